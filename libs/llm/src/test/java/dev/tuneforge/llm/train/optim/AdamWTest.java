package dev.tuneforge.llm.train.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneforge.llm.testutil.Fixtures;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AdamWTest {

  @Test
  void matchesTorchAdamWOverSixStepsWithVaryingLrAndPerParameterDecay() {
    JsonNode fx = Fixtures.json("adamw_torch.json");
    AdamWConfig cfg = new AdamWConfig(0.9, 0.95, 1e-8, 0.1);
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray w = m.create(Fixtures.floats(fx.get("weight0")), new Shape(3, 4));
      NDArray b = m.create(Fixtures.floats(fx.get("bias0")), new Shape(5));
      try (AdamW opt =
          new AdamW(
              m,
              List.of(new TrainableParameter("w", w, true), new TrainableParameter("b", b, false)),
              cfg)) {
        for (int s = 0; s < fx.get("steps").size(); s++) {
          JsonNode g = fx.get("grads").get(s);
          JsonNode want = fx.get("steps").get(s);
          try (NDManager step = m.newSubManager()) {
            opt.step(
                want.get("lr").asDouble(),
                Map.of(
                    "w", step.create(Fixtures.floats(g.get("weight")), new Shape(3, 4)),
                    "b", step.create(Fixtures.floats(g.get("bias")), new Shape(5))));
          }
          String at = "step " + (s + 1);
          assertClose(Fixtures.floats(want.get("weight")), w.toFloatArray(), 1e-6, at + " weight");
          assertClose(Fixtures.floats(want.get("bias")), b.toFloatArray(), 1e-6, at + " bias");
          assertClose(
              Fixtures.floats(want.get("weight_m")),
              opt.expAvg("w").toFloatArray(),
              1e-6,
              at + " m");
          assertClose(
              Fixtures.floats(want.get("weight_v")),
              opt.expAvgSq("w").toFloatArray(),
              1e-6,
              at + " v");
          assertClose(
              Fixtures.floats(want.get("bias_v")),
              opt.expAvgSq("b").toFloatArray(),
              1e-6,
              at + " bias v");
        }
        assertEquals(6, opt.stepCount());
      }
    }
  }

  @Test
  void matchesAHandComputedDoublePrecisionReference() {
    double b1 = 0.8, b2 = 0.99, eps = 1e-6, wd = 0.05;
    double[] p = {0.5, -1.25, 2.0, 0.0};
    double[] mm = new double[4], vv = new double[4];
    Random rnd = new Random(42);
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray param = m.create(toFloat(p));
      try (AdamW opt =
          new AdamW(
              m,
              List.of(new TrainableParameter("p", param, true)),
              new AdamWConfig(b1, b2, eps, wd))) {
        for (int t = 1; t <= 8; t++) {
          double lr = 0.01 * t;
          double[] g = new double[4];
          for (int i = 0; i < 4; i++) {
            g[i] = (float) rnd.nextGaussian(); // the float the optimizer will see
          }
          for (int i = 0; i < 4; i++) {
            p[i] *= 1 - lr * wd;
            mm[i] = b1 * mm[i] + (1 - b1) * g[i];
            vv[i] = b2 * vv[i] + (1 - b2) * g[i] * g[i];
            double mHat = mm[i] / (1 - Math.pow(b1, t));
            double denom = Math.sqrt(vv[i]) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
            p[i] -= lr * mHat / denom;
          }
          try (NDManager step = m.newSubManager()) {
            opt.step(lr, Map.of("p", step.create(toFloat(g))));
          }
          assertClose(toFloat(p), param.toFloatArray(), 2e-6, "step " + t);
        }
      }
    }
  }

  @Test
  void usesAutogradGradientsAndZeroGradientsResetsTheirAccumulation() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.create(new float[] {1f, 2f, 3f});
      NDArray b = m.create(new float[] {1f, 2f, 3f});
      a.setRequiresGradient(true);
      NDArray coeff = m.create(new float[] {0.5f, -1f, 2f});
      try (AdamW viaAutograd =
              new AdamW(m, List.of(new TrainableParameter("a", a, false)), AdamWConfig.DEFAULTS);
          AdamW explicit =
              new AdamW(m, List.of(new TrainableParameter("b", b, false)), AdamWConfig.DEFAULTS)) {
        for (int step = 0; step < 3; step++) {
          try (NDManager s = m.newSubManager()) {
            s.tempAttachAll(a, coeff);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
              gc.backward(a.mul(coeff).sum()); // d/da = coeff
            }
            assertArrayEquals(
                coeff.toFloatArray(),
                a.getGradient().toFloatArray(),
                "gradient does not accumulate across steps after zeroGradients");
            viaAutograd.step(0.1);
            viaAutograd.zeroGradients();
            explicit.step(0.1, Map.of("b", coeff));
          }
        }
        assertArrayEquals(b.toFloatArray(), a.toFloatArray());
        assertTrue(a.toFloatArray()[0] < 1f, "moved against the gradient");
      }
    }
  }

  @Test
  void restoredStateContinuesBitForBit() {
    float[][] grads = new float[6][];
    Random rnd = new Random(9);
    for (int i = 0; i < grads.length; i++) {
      grads[i] = new float[12];
      for (int k = 0; k < 12; k++) {
        grads[i][k] = (float) rnd.nextGaussian();
      }
    }
    AdamWConfig cfg = new AdamWConfig(0.9, 0.999, 1e-8, 0.01);
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray straight = m.arange(12f).reshape(3, 4);
      AdamWState checkpoint = null;
      float[] checkpointWeights = null;
      try (AdamW opt = new AdamW(m, List.of(new TrainableParameter("w", straight, true)), cfg)) {
        for (int i = 0; i < 6; i++) {
          try (NDManager s = m.newSubManager()) {
            opt.step(1e-2, Map.of("w", s.create(grads[i], new Shape(3, 4))));
          }
          if (i == 2) { // a checkpoint after three updates
            checkpoint = opt.state();
            checkpointWeights = straight.toFloatArray();
          }
        }
      }
      NDArray resumed = m.create(checkpointWeights, new Shape(3, 4));
      try (AdamW opt = new AdamW(m, List.of(new TrainableParameter("w", resumed, true)), cfg)) {
        opt.restore(checkpoint);
        assertEquals(3, opt.stepCount());
        for (int i = 3; i < 6; i++) {
          try (NDManager s = m.newSubManager()) {
            opt.step(1e-2, Map.of("w", s.create(grads[i], new Shape(3, 4))));
          }
        }
      }
      assertArrayEquals(
          straight.toFloatArray(), resumed.toFloatArray(), "bitwise equal after resume");
    }
  }

  @Test
  void restoringAnotherLayoutIsAnErrorNamingTheParameter() {
    try (NDManager m = NDManager.newBaseManager();
        AdamW opt =
            new AdamW(
                m,
                List.of(
                    new TrainableParameter("layers.0.q.lora_A", m.zeros(new Shape(2, 3)), true)),
                AdamWConfig.DEFAULTS)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  opt.restore(
                      new AdamWState(
                          4, Map.of("other", new float[6]), Map.of("other", new float[6]))));
      assertTrue(e.getMessage().contains("layers.0.q.lora_A"), e.getMessage());
      e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  opt.restore(
                      new AdamWState(
                          4,
                          Map.of("layers.0.q.lora_A", new float[5]),
                          Map.of("layers.0.q.lora_A", new float[5]))));
      assertTrue(
          e.getMessage().contains("layers.0.q.lora_A") && e.getMessage().contains("(2, 3)"),
          e.getMessage());
    }
  }

  @Test
  void arrayCountsStayFlatOverManyAutogradSteps() {
    try (NDManager model = NDManager.newBaseManager()) {
      NDArray w = model.randomNormal(new Shape(16, 8));
      NDArray bias = model.zeros(new Shape(16));
      w.setRequiresGradient(true);
      bias.setRequiresGradient(true);
      try (AdamW opt =
          new AdamW(
              model,
              List.of(
                  new TrainableParameter("w", w, true),
                  new TrainableParameter("bias", bias, false)),
              new AdamWConfig(0.9, 0.999, 1e-8, 0.1))) {
        int before = -1;
        for (int i = 0; i < 300; i++) {
          try (NDManager step = model.newSubManager()) {
            step.tempAttachAll(w, bias);
            NDArray x = step.randomNormal(new Shape(4, 8));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
              NDArray y = x.matMul(w.transpose()).add(bias); // (4, 16)
              gc.backward(y.square().mean());
            }
            GradientClipping.clipByGlobalNorm(
                List.of(w.getGradient(), bias.getGradient()), 1.0, step);
            opt.step(1e-3);
            opt.zeroGradients();
          }
          if (i == 10) {
            before = model.getManagedArrays().size();
          }
        }
        assertEquals(before, model.getManagedArrays().size(), "arrays on the long-lived manager");
        assertEquals(
            6, model.getManagedArrays().size(), "two parameters and their two moments each");
      }
    }
  }

  private static float[] toFloat(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  static void assertClose(float[] want, float[] got, double tol, String what) {
    assertEquals(want.length, got.length, what);
    for (int i = 0; i < want.length; i++) {
      double err = Math.abs(want[i] - got[i]);
      assertTrue(
          err <= tol * Math.max(1.0, Math.abs(want[i])),
          what + " [" + i + "]: want " + want[i] + " got " + got[i]);
    }
  }
}
