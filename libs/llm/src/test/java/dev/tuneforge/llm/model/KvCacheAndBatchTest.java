package dev.tuneforge.llm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tuneforge.llm.RandomCheckpoints;
import dev.tuneforge.llm.safetensors.DType;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Decoding with the KV cache and batching with left padding reproduce the plain full forward. */
class KvCacheAndBatchTest {
  @TempDir Path dir;

  private static final long[] SEQ = {0, 17, 250, 33, 4, 99, 120, 7, 8, 280, 3, 61};

  @ParameterizedTest
  @CsvSource({"llama,BF16", "mistral,F32", "qwen2,BF16", "qwen3,F32"})
  void cachedDecodingEqualsRecomputingTheFullSequence(String type, DType dtype) {
    RandomCheckpoints.write(dir, RandomCheckpoints.tinyConfig(type), dtype, 7);
    try (CausalLM model = ModelLoader.load(new LocalModelSource(dir))) {
      int v = model.config().vocabSize();
      int t = SEQ.length;
      float[] full;
      try (NDManager step = model.newStepManager()) {
        full = model.forward(step, new long[][] {SEQ}, null).toFloatArray(); // [1, T, V]
      }
      int prefill = 5;
      boolean[][] valid = new boolean[1][t];
      try (KvCache cache = new KvCache(model.manager(), model.config(), 1, t)) {
        for (int start = 0; start < t; ) {
          int len = start == 0 ? prefill : 1;
          long[] ids = Arrays.copyOfRange(SEQ, start, start + len);
          long[] pos = new long[len];
          for (int i = 0; i < len; i++) {
            pos[i] = start + i;
            valid[0][start + i] = true;
          }
          try (NDManager step = model.newStepManager()) {
            NDArray bias = Masks.bias(step, valid, len, start + len, null);
            float[] got =
                model
                    .forward(
                        step,
                        Masks.longs(step, new long[][] {ids}),
                        Masks.longs(step, new long[][] {pos}),
                        bias,
                        cache,
                        false)
                    .toFloatArray();
            for (int i = 0; i < len; i++) {
              for (int k = 0; k < v; k++) {
                assertEquals(full[(start + i) * v + k], got[i * v + k], 1e-4, "pos " + (start + i));
              }
            }
          }
          start += len;
        }
        assertEquals(t, cache.length());
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"llama,F32", "qwen3,BF16"})
  void leftPaddedBatchEqualsEachSequenceAlone(String type, DType dtype) {
    RandomCheckpoints.write(dir, RandomCheckpoints.tinyConfig(type), dtype, 11);
    long[] shortSeq = Arrays.copyOfRange(SEQ, 0, 7);
    int pad = SEQ.length - shortSeq.length;
    try (CausalLM model = ModelLoader.load(new LocalModelSource(dir))) {
      int v = model.config().vocabSize();
      float[] alone;
      float[] batch;
      try (NDManager step = model.newStepManager()) {
        alone = model.forward(step, new long[][] {shortSeq}, null).toFloatArray();
      }
      long[] padded = new long[SEQ.length];
      System.arraycopy(shortSeq, 0, padded, pad, shortSeq.length);
      boolean[][] valid = new boolean[2][SEQ.length];
      Arrays.fill(valid[0], true);
      Arrays.fill(valid[1], pad, SEQ.length, true);
      try (NDManager step = model.newStepManager()) {
        batch = model.forward(step, new long[][] {SEQ, padded}, valid).toFloatArray();
      }
      for (int i = 0; i < shortSeq.length; i++) {
        for (int k = 0; k < v; k++) {
          int row1 = (SEQ.length + pad + i) * v + k;
          assertEquals(alone[i * v + k], batch[row1], 1e-4, "position " + i);
        }
      }
    }
  }
}
