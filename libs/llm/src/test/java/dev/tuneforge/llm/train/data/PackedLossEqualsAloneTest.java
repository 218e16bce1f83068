package dev.tuneforge.llm.train.data;

import static dev.tuneforge.llm.train.data.CharFixtures.CHATML;
import static dev.tuneforge.llm.train.data.CharFixtures.ENCODER;
import static dev.tuneforge.llm.train.data.CharFixtures.EOS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packing representation keeps examples independent: a one-layer attention model fed the
 * segment mask and reset position ids gives every example the same loss packed as alone. (The real
 * transformer lives in the model package; this checks what the data hands it.)
 */
class PackedLossEqualsAloneTest {

  private static final int VOCAB = 128;
  private static final int DIM = 16;

  @Test
  void eachExamplesLossIsTheSamePackedOrAlone() {
    ExampleTokenizer tok =
        new ExampleTokenizer(ENCODER, CHATML, new TokenizationConfig(32, false, EOS));
    List<TokenizedExample> ex =
        Stream.of(
                new Example.PromptCompletion("q:ab ", "ba"), new Example.Text("hello"),
                new Example.PromptCompletion("q:xyz ", "zyx"), new Example.Text("ok"))
            .map(e -> (Example) e)
            .map(tok::tokenize)
            .toList();
    List<TrainingSequence> packed = Packer.pack(ex, 32);
    assertEquals(1, packed.size(), "9 + 7 + 11 + 4 tokens fit in one row of 32");
    try (NDManager m = NDManager.newBaseManager()) {
      Random rnd = new Random(17);
      NDArray emb = m.create(gaussian(rnd, VOCAB * DIM), new Shape(VOCAB, DIM)); // (V, D)
      NDArray posEmb = m.create(gaussian(rnd, 32 * DIM), new Shape(32, DIM)); // (32, D)
      double[] packedLoss = perSegmentLoss(m, new Collator(0, 0).collate(packed), emb, posEmb, 4);
      for (int s = 0; s < ex.size(); s++) {
        Batch alone = new Collator(0, 0).collate(List.of(TrainingSequence.of(ex.get(s))));
        double aloneLoss = perSegmentLoss(m, alone, emb, posEmb, 1)[0];
        assertTrue(aloneLoss > 0);
        assertEquals(aloneLoss, packedLoss[s], 1e-4 * aloneLoss, "example " + s);
      }
    }
  }

  /** Summed next-token loss of each segment of row 0 of {@code batch}. */
  private static double[] perSegmentLoss(
      NDManager m, Batch batch, NDArray emb, NDArray posEmb, int segments) {
    int t = batch.seqLen();
    try (NDManager s = m.newSubManager()) {
      s.tempAttachAll(emb, posEmb);
      NDArray ids = s.create(batch.inputIds(), new Shape(t));
      NDArray pos = s.create(batch.positionIds(), new Shape(t));
      NDArray x = lookup(ids, emb).add(lookup(pos, posEmb)); // (T, D)
      NDArray scores =
          x.matMul(x.transpose())
              .div((float) Math.sqrt(DIM)) // (T, T)
              .add(AttentionMasks.additive(s, batch).reshape(t, t));
      NDArray h = scores.softmax(-1).matMul(x); // (T, D)
      float[] logp = h.matMul(emb.transpose()).logSoftmax(-1).toFloatArray(); // (T, V)
      double[] loss = new double[segments];
      for (int i = 0; i + 1 < t; i++) {
        int label = batch.labels()[i + 1];
        if (label != TokenizedExample.IGNORE) {
          loss[batch.segmentIds()[i + 1] - 1] -= logp[i * VOCAB + label];
        }
      }
      return loss;
    }
  }

  private static NDArray lookup(NDArray idx, NDArray table) {
    return idx.getNDArrayInternal().embedding(idx, table, SparseFormat.DENSE).singletonOrThrow();
  }

  private static float[] gaussian(Random rnd, int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) (rnd.nextGaussian() * 0.5);
    }
    return out;
  }
}
