package dev.tuneforge.llm.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tuneforge.llm.Fixtures;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.model.ModelLoader;
import org.junit.jupiter.api.Test;

class ScorerTest {

  @Test
  void logprobIsTheLogSoftmaxOfTheNextTokenAtEachPosition() {
    int[] ids = {0, 17, 250, 33, 4};
    try (CausalLM model =
        ModelLoader.load(new LocalModelSource(Fixtures.reference("qwen2-bf16")))) {
      float[] lp = Scorer.logprobs(model, ids);
      assertEquals(ids.length - 1, lp.length);
      int v = model.config().vocabSize();
      float[] logits;
      try (NDManager step = model.newStepManager()) {
        NDArray out = model.forward(step, new long[][] {{0, 17, 250, 33, 4}}, null);
        logits = out.toFloatArray();
      }
      for (int i = 0; i < lp.length; i++) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < v; k++) {
          max = Math.max(max, logits[i * v + k]);
        }
        double sum = 0;
        for (int k = 0; k < v; k++) {
          sum += Math.exp(logits[i * v + k] - max);
        }
        double want = logits[i * v + ids[i + 1]] - max - Math.log(sum);
        assertEquals(want, lp[i], 1e-4);
        assertTrue(lp[i] <= 0);
      }
      assertEquals(0, Scorer.logprobs(model, new int[] {5}).length);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> Scorer.logprobs(model, new int[] {1, 300}));
      assertTrue(e.getMessage().contains("token id 300 at index 1"), e.getMessage());
    }
  }
}
