package dev.tuneforge.llm.export.gguf;

import dev.tuneforge.llm.config.ModelConfig;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.safetensors.DType;
import dev.tuneforge.llm.safetensors.FloatTensor;
import dev.tuneforge.llm.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The weights a GGUF export actually holds, back in HF layout: every tensor read and dequantized by
 * {@link GgufFile}, Llama's q/k permutation undone, written as float32 safetensors beside the
 * original config and tokenizer. The engine on this folder computes with exactly the quantized
 * weights, which separates the quantization of the file from llama.cpp's own arithmetic.
 */
final class DequantizedModel {
  private DequantizedModel() {}

  static Path write(Path gguf, Path hfSource, Path out) {
    ModelConfig c = ModelConfig.read(hfSource.resolve("config.json"));
    boolean permuted = GgufArchitecture.of(c).permuteQk;
    GgufFile f = GgufFile.read(gguf);
    Map<String, FloatTensor> tensors = new LinkedHashMap<>();
    ModelLoader.architecture(c.modelType())
        .expectedTensors(c)
        .forEach(
            (hf, shape) -> {
              float[] data = f.readFloats(GgufNames.of(hf));
              int cols = shape.length == 2 ? (int) shape[1] : 1;
              if (permuted && GgufNames.isQuery(hf)) {
                data = unpermute(data, c.numHeads(), cols);
              } else if (permuted && GgufNames.isKey(hf)) {
                data = unpermute(data, c.numKvHeads(), cols);
              }
              tensors.put(hf, new FloatTensor(shape, data));
            });
    try {
      Files.createDirectories(out);
      for (String file : new String[] {"config.json", "tokenizer.json", "tokenizer_config.json"}) {
        Files.copy(hfSource.resolve(file), out.resolve(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    SafetensorsWriter.write(out.resolve("model.safetensors"), tensors, DType.F32);
    return out;
  }

  /**
   * The inverse of {@link QkPermutation#permuteRows}: row {@code p(i)} goes back to row {@code i}.
   */
  static float[] unpermute(float[] w, int heads, int cols) {
    int rows = w.length / cols;
    float[] index = new float[rows];
    for (int i = 0; i < rows; i++) {
      index[i] = i;
    }
    float[] where = QkPermutation.permuteRows(index, heads, 1); // where[dst] = src
    float[] out = new float[w.length];
    for (int dst = 0; dst < rows; dst++) {
      System.arraycopy(w, dst * cols, out, (int) where[dst] * cols, cols);
    }
    return out;
  }
}
