package dev.tuneforge.llm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.tuneforge.llm.RandomCheckpoints;
import dev.tuneforge.llm.safetensors.DType;
import dev.tuneforge.llm.score.Scorer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forward is differentiable: backward through it (with a GC in between) matches finite
 * differences.
 */
class AutogradTest {
  @TempDir Path dir;

  private static final int[] IDS = {0, 17, 250, 33, 4, 99, 120, 7};

  /** Mean negative log-likelihood, the training loss. */
  private static double loss(CausalLM model) {
    float[] lp = Scorer.logprobs(model, IDS);
    double s = 0;
    for (float v : lp) {
      s -= v;
    }
    return s / lp.length;
  }

  @Test
  void gradientOfANormWeightMatchesFiniteDifferences() {
    RandomCheckpoints.write(dir, RandomCheckpoints.tinyConfig("qwen3"), DType.F32, 9);
    try (CausalLM model = ModelLoader.load(new LocalModelSource(dir))) {
      NDArray w = model.parameters().get("model.layers.1.self_attn.q_norm.weight");
      w.setRequiresGradient(true);
      float grad;
      try (NDManager step = model.newStepManager();
          GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        long[] row = new long[IDS.length];
        for (int i = 0; i < IDS.length; i++) {
          row[i] = IDS[i];
        }
        NDArray logits = model.forward(step, new long[][] {row}, null); // [1, T, V]
        NDArray logp = logits.get(new NDIndex(":, :-1, :")).logSoftmax(-1);
        long[] next = java.util.Arrays.copyOfRange(row, 1, row.length);
        NDArray picked = logp.gather(step.create(next, new Shape(1, next.length, 1)), -1);
        NDArray loss = picked.mean().neg();
        System.gc(); // scalars must survive until backward (NOTES.md)
        gc.backward(loss);
        grad = w.getGradient().toFloatArray()[3];
      }
      w.setRequiresGradient(false);
      float original = w.toFloatArray()[3];
      float h = 1e-2f;
      w.set(new NDIndex(3), original + h);
      double up = loss(model);
      w.set(new NDIndex(3), original - h);
      double down = loss(model);
      w.set(new NDIndex(3), original);
      double numeric = (up - down) / (2 * h);
      assertTrue(Math.abs(numeric) > 1e-4, "finite difference too small to compare: " + numeric);
      assertEquals(numeric, grad, 2e-2 * Math.abs(numeric) + 1e-4);
    }
  }
}
