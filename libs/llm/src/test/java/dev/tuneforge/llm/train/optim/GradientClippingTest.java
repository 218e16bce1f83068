package dev.tuneforge.llm.train.optim;

import static dev.tuneforge.llm.train.optim.AdamWTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneforge.llm.testutil.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

class GradientClippingTest {

  @Test
  void matchesAHandComputation() {
    try (NDManager m = NDManager.newBaseManager()) {
      // ‖(3, 4)‖ = 5, ‖(12)‖ = 12, global = √(25 + 144) = 13
      NDArray a = m.create(new float[] {3f, 4f});
      NDArray b = m.create(new float[] {12f});
      double norm = GradientClipping.clipByGlobalNorm(List.of(a, b), 6.5, m);
      assertEquals(13.0, norm, 1e-6);
      double coef = 6.5 / (13.0 + 1e-6);
      assertArrayEquals(
          new float[] {(float) (3 * coef), (float) (4 * coef)}, a.toFloatArray(), 1e-6f);
      assertArrayEquals(new float[] {(float) (12 * coef)}, b.toFloatArray(), 1e-6f);
      assertEquals(6.5, GradientClipping.globalNorm(List.of(a, b), m), 1e-5, "norm after clipping");
    }
  }

  @Test
  void matchesTorchClipGradNorm() {
    JsonNode fx = Fixtures.json("clip_grad_norm_torch.json");
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.create(Fixtures.floats(fx.get("a")), new Shape(4, 3));
      NDArray b = m.create(Fixtures.floats(fx.get("b")));
      double norm = GradientClipping.clipByGlobalNorm(List.of(a, b), 1.0, m);
      assertEquals(fx.get("total_norm").asDouble(), norm, 1e-5);
      assertClose(Fixtures.floats(fx.get("a_clipped")), a.toFloatArray(), 1e-6, "a");
      assertClose(Fixtures.floats(fx.get("b_clipped")), b.toFloatArray(), 1e-6, "b");
    }
  }

  @Test
  void gradientsUnderTheLimitAreLeftUntouched() {
    try (NDManager m = NDManager.newBaseManager()) {
      float[] g = {0.1f, -0.2f, 0.3f};
      NDArray a = m.create(g);
      double norm = GradientClipping.clipByGlobalNorm(List.of(a), 1.0, m);
      assertEquals(Math.sqrt(0.01 + 0.04 + 0.09), norm, 1e-6);
      assertArrayEquals(g, a.toFloatArray());
    }
  }

  @Test
  void nonFiniteNormIsReportedAndGradientsAreNotScaled() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.create(new float[] {Float.POSITIVE_INFINITY, 1f});
      NDArray b = m.create(new float[] {2f});
      assertTrue(Double.isInfinite(GradientClipping.clipByGlobalNorm(List.of(a, b), 1.0, m)));
      assertArrayEquals(new float[] {2f}, b.toFloatArray());
    }
  }

  @Test
  void leavesNoArraysBehind() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.create(new float[] {30f, 40f});
      int before = m.getManagedArrays().size();
      for (int i = 0; i < 20; i++) {
        GradientClipping.clipByGlobalNorm(List.of(a), 1.0, m);
      }
      assertEquals(before, m.getManagedArrays().size());
    }
  }

  @Test
  void nonPositiveMaximumIsRejected() {
    try (NDManager m = NDManager.newBaseManager()) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> GradientClipping.clipByGlobalNorm(List.of(m.ones(new Shape(2))), 0, m));
      assertTrue(e.getMessage().contains("max_grad_norm"), e.getMessage());
    }
  }
}
