package dev.tuneforge.llm.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tuneforge.llm.Fixtures;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.LinearFactory;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.score.Scorer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LoraLinearTest {
  private static final int OUT = 6;
  private static final int IN = 5;
  private static final int R = 3;

  @Test
  void forwardIsBaseplusScaledLowRankUpdate() {
    Random rnd = new Random(1);
    float[] w = gaussian(rnd, OUT * IN);
    float[] b = gaussian(rnd, OUT);
    float[] a = gaussian(rnd, R * IN);
    float[] bb = gaussian(rnd, OUT * R);
    float[] x = gaussian(rnd, 2 * IN); // two rows
    double scale = 1.75;
    try (NDManager m = NDManager.newBaseManager()) {
      LoraLinear l =
          new LoraLinear(
              "m",
              m.create(w, new Shape(OUT, IN)),
              m.create(b, new Shape(OUT)),
              m.create(a, new Shape(R, IN)),
              m.create(bb, new Shape(OUT, R)),
              scale,
              null);
      float[] y = l.forward(m.create(x, new Shape(2, IN))).toFloatArray();
      for (int row = 0; row < 2; row++) {
        for (int o = 0; o < OUT; o++) {
          double expected = b[o];
          for (int i = 0; i < IN; i++) {
            double delta = 0;
            for (int k = 0; k < R; k++) {
              delta += bb[o * R + k] * a[k * IN + i];
            }
            expected += x[row * IN + i] * (w[o * IN + i] + scale * delta);
          }
          assertEquals(expected, y[row * OUT + o], 1e-5);
        }
      }
    }
  }

  @Test
  void freshLayersStartFromTheBaseExactly() {
    int[] ids = Fixtures.ints(Fixtures.expected("llama3-bf16").get("sequences").get(1).get("ids"));
    LocalModelSource src = new LocalModelSource(Fixtures.reference("llama3-bf16"));
    float[] base;
    try (CausalLM plain = ModelLoader.load(src)) {
      base = Scorer.logprobs(plain, ids);
    }
    LoraLinearFactory f =
        LoraLinearFactory.fresh(
            new LoraConfig(8, 16, 0.0, List.of(LoraConfig.ALL_LINEAR), false, 3));
    try (CausalLM lora =
        ModelLoader.load(src, ai.djl.engine.Engine.getInstance().defaultDevice(), f)) {
      assertEquals(14, f.layers().size()); // 7 linears × 2 layers, head excluded
      assertArrayEquals(
          base, Scorer.logprobs(lora, ids), "B = 0 must give bitwise the base log-probs");
    }
  }

  @Test
  void aIsKaimingUniformAsPeftAndBIsZeroAndBothAreReproducible() {
    int in = 64;
    float[] a = LoraInit.kaimingUniformA(7, "model.layers.0.self_attn.q_proj", 16, in);
    double bound = 1 / Math.sqrt(in); // kaiming_uniform_(a=√5): gain √(1/3) · √(3/in)
    double max = 0;
    double sum = 0;
    for (float v : a) {
      max = Math.max(max, Math.abs(v));
      sum += v;
    }
    assertTrue(max <= bound, "outside ±1/√in: " + max);
    assertTrue(max > 0.95 * bound, "does not fill the range: " + max);
    assertEquals(0, sum / a.length, 0.02);
    // Variance of U(-b, b) is b²/3.
    double var = 0;
    for (float v : a) {
      var += v * v;
    }
    assertEquals(bound * bound / 3, var / a.length, 0.1 * bound * bound / 3);
    assertArrayEquals(a, LoraInit.kaimingUniformA(7, "model.layers.0.self_attn.q_proj", 16, in));
    assertFalse(
        java.util.Arrays.equals(
            a, LoraInit.kaimingUniformA(7, "model.layers.0.self_attn.k_proj", 16, in)));
    for (float v : LoraInit.zeroB(8, 4)) {
      assertEquals(0f, v);
    }
  }

  @Test
  void dropoutActsOnlyInTrainingAndIsReproducibleFromTheSeed() {
    try (NDManager m = NDManager.newBaseManager()) {
      Random rnd = new Random(2);
      NDArray x = m.create(gaussian(rnd, 4 * IN), new Shape(4, IN));
      LoraLinear l1 = layer(m, rnd, new LoraDropout(0.5, 11, "m"));
      LoraLinear noDrop = new LoraLinear("m", l1.weight(), null, l1.loraA(), l1.loraB(), 2.0, null);
      float[] eval = l1.forward(x).toFloatArray();
      assertArrayEquals(noDrop.forward(x).toFloatArray(), eval, "no dropout outside training");
      l1.setTraining(true);
      float[] t1 = l1.forward(x).toFloatArray();
      float[] t2 = l1.forward(x).toFloatArray();
      assertFalse(java.util.Arrays.equals(eval, t1), "training applies dropout");
      assertFalse(java.util.Arrays.equals(t1, t2), "each call draws a new mask");
      LoraLinear l2 =
          new LoraLinear(
              "m", l1.weight(), null, l1.loraA(), l1.loraB(), 2.0, new LoraDropout(0.5, 11, "m"));
      l2.setTraining(true);
      assertArrayEquals(t1, l2.forward(x).toFloatArray(), "same seed, same first mask");
    }
  }

  @Test
  void masksArePureFunctionsOfStepAndMicroBatch() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.ones(new Shape(4, 64));
      LoraDropout a = new LoraDropout(0.5, 11, "m");
      a.startMicroBatch(7, 1);
      float[] first = a.nextMask(x).toFloatArray();
      a.nextMask(x); // a later call in the same micro-batch
      a.startMicroBatch(8, 0);
      float[] next = a.nextMask(x).toFloatArray();

      LoraDropout resumed = new LoraDropout(0.5, 11, "m"); // a fresh process that resumes at step 8
      resumed.startMicroBatch(8, 0);
      assertArrayEquals(
          next, resumed.nextMask(x).toFloatArray(), "same (seed, step, micro-batch), same mask");
      resumed.startMicroBatch(7, 1);
      assertArrayEquals(first, resumed.nextMask(x).toFloatArray());
      resumed.startMicroBatch(7, 0);
      assertFalse(
          java.util.Arrays.equals(first, resumed.nextMask(x).toFloatArray()),
          "another micro-batch");
      LoraDropout other = new LoraDropout(0.5, 11, "k");
      other.startMicroBatch(7, 1);
      assertFalse(
          java.util.Arrays.equals(first, other.nextMask(x).toFloatArray()), "another module");
    }
  }

  @Test
  void successiveMasksAreNotShiftedCopiesOfEachOther() {
    // Seeding SplittableRandom with s, s + γ, s + 2γ, ... (γ its own increment) gives one sequence
    // shifted by a draw per call: mask k+1 would equal mask k moved by one entry.
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.ones(new Shape(10_000));
      LoraDropout d = new LoraDropout(0.5, 3, "m");
      float[] a = d.nextMask(x).toFloatArray();
      float[] b = d.nextMask(x).toFloatArray();
      int same = 0;
      for (int i = 0; i + 1 < a.length; i++) {
        same += b[i] == a[i + 1] ? 1 : 0;
      }
      assertEquals(
          0.5,
          same / (double) (a.length - 1),
          0.05,
          "agreement of mask 2 with mask 1 shifted by one");
    }
  }

  @Test
  void dropoutMaskKeepsExpectationAndRate() {
    try (NDManager m = NDManager.newBaseManager()) {
      float[] mask =
          new LoraDropout(0.25, 5, "m").nextMask(m.ones(new Shape(100_000))).toFloatArray();
      int zeros = 0;
      double sum = 0;
      for (float v : mask) {
        zeros += v == 0 ? 1 : 0;
        sum += v;
        assertTrue(v == 0f || Math.abs(v - 4f / 3) < 1e-6);
      }
      assertEquals(0.25, zeros / 100_000.0, 0.01);
      assertEquals(1.0, sum / 100_000.0, 0.01);
    }
  }

  @Test
  void onlyLoraTensorsAreTrainable() {
    LoraLinearFactory f =
        LoraLinearFactory.fresh(LoraConfig.of(4, 8, List.of("q_proj", "down_proj")));
    try (CausalLM model =
        ModelLoader.load(
            new LocalModelSource(Fixtures.reference("qwen2-bf16")),
            ai.djl.engine.Engine.getInstance().defaultDevice(),
            f)) {
      Map<String, NDArray> t = LoraParameters.trainable(model);
      assertEquals(8, t.size()); // (q, down) × 2 layers × (A, B)
      assertEquals(t.keySet(), f.trainableParameters().keySet());
      assertTrue(t.containsKey("model.layers.1.self_attn.q_proj.lora_A.weight"));
      assertEquals(
          new Shape(4, 64), t.get("model.layers.1.self_attn.q_proj.lora_A.weight").getShape());
      assertEquals(
          new Shape(64, 4), t.get("model.layers.1.mlp.down_proj.lora_B.weight").getShape());
      assertTrue(
          model.parameters().containsKey("model.layers.1.self_attn.q_proj.bias"), "base bias kept");
      for (String n : model.parameters().keySet()) {
        assertEquals(n.contains(".lora_"), t.containsKey(n), n);
      }
    }
  }

  @Test
  void aPlainFactoryBuildsNoLoraTensors() {
    try (CausalLM model =
        ModelLoader.load(
            new LocalModelSource(Fixtures.reference("qwen2-bf16")),
            ai.djl.engine.Engine.getInstance().defaultDevice(),
            LinearFactory.plain())) {
      assertTrue(LoraParameters.trainable(model).isEmpty());
    }
  }

  private static LoraLinear layer(NDManager m, Random rnd, LoraDropout dropout) {
    return new LoraLinear(
        "m",
        m.create(gaussian(rnd, OUT * IN), new Shape(OUT, IN)),
        null,
        m.create(gaussian(rnd, R * IN), new Shape(R, IN)),
        m.create(gaussian(rnd, OUT * R), new Shape(OUT, R)),
        2.0,
        dropout);
  }

  private static float[] gaussian(Random rnd, int n) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (float) rnd.nextGaussian();
    }
    return f;
  }
}
