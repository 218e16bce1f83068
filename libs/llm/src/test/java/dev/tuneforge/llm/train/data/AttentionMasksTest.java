package dev.tuneforge.llm.train.data;

import static dev.tuneforge.llm.train.data.CharFixtures.CHATML;
import static dev.tuneforge.llm.train.data.CharFixtures.ENCODER;
import static dev.tuneforge.llm.train.data.CharFixtures.EOS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttentionMasksTest {

  @Test
  void deviceMaskAgreesWithBatchAttendsEverywhere() {
    ExampleTokenizer tok =
        new ExampleTokenizer(ENCODER, CHATML, new TokenizationConfig(12, false, EOS));
    List<TokenizedExample> ex =
        java.util.stream.Stream.of("ab", "cde", "fghijk", "l", "mn")
            .map(t -> tok.tokenize(new Example.Text(t)))
            .toList();
    Batch batch = new Collator(0, 0).collate(Packer.pack(ex, 12)); // rows of different fill, padded
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray mask = AttentionMasks.additive(m, batch);
      int b = batch.batchSize();
      int t = batch.seqLen();
      assertEquals(new Shape(b, 1, t, t), mask.getShape());
      float[] v = mask.toFloatArray();
      for (int r = 0; r < b; r++) {
        for (int i = 0; i < t; i++) {
          for (int j = 0; j < t; j++) {
            float want = batch.attends(r, i, j) ? 0f : AttentionMasks.MASKED;
            assertEquals(want, v[(r * t + i) * t + j], "row " + r + " query " + i + " key " + j);
          }
        }
      }
      assertEquals(1, m.getManagedArrays().size(), "only the mask is left on the caller's manager");
    }
  }
}
