package dev.tuneforge.llm.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The NF4 layer computes x·W_deqᵀ + b with W_deq the Java reference dequantization, and keeps only
 * NF4 resident.
 */
class Nf4LinearTest {
  private static final int OUT = 48;
  private static final int IN = 80; // 3840 weights: 60 blocks of 64, one partial absmax group

  private static float[] gaussian(Random rnd, int n, double sd) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (float) (sd * rnd.nextGaussian());
    }
    return f;
  }

  @Test
  void forwardIsMatmulWithTheJavaReferenceDequantization() {
    Random rnd = new Random(3);
    float[] w = gaussian(rnd, OUT * IN, 0.05);
    float[] b = gaussian(rnd, OUT, 0.1);
    float[] x = gaussian(rnd, 2 * 3 * IN, 1.0); // [2, 3, in]
    float[] wDeq = Nf4Tensor.quantize(w, new long[] {OUT, IN}, true).dequantize(); // [out, in]
    try (NDManager m = NDManager.newBaseManager();
        Nf4Codebook book = new Nf4Codebook(m)) {
      Nf4Linear layer =
          Nf4Linear.quantize(
              "q", m.create(w, new Shape(OUT, IN)), m.create(b, new Shape(OUT)), book);
      try (NDManager step = m.newSubManager()) {
        assertArrayEquals(
            wDeq,
            layer.quantized().dequantize(step).toFloatArray(),
            "the device dequantization is the Java reference, bit for bit");
        float[] y =
            layer.forward(step.create(x, new Shape(2, 3, IN))).toFloatArray(); // [2, 3, out]
        assertEquals(2 * 3 * OUT, y.length);
        double worst = 0;
        for (int row = 0; row < 6; row++) {
          for (int o = 0; o < OUT; o++) {
            double expected = b[o];
            for (int i = 0; i < IN; i++) {
              expected += (double) x[row * IN + i] * wDeq[o * IN + i];
            }
            worst = Math.max(worst, Math.abs(expected - y[row * OUT + o]));
          }
        }
        // float32 dot products of 80 terms of size ~0.05: rounding ~1e-6
        assertTrue(worst < 1e-5, "max |y - x·W_deqᵀ - b| = " + worst);
      }
    }
  }

  @Test
  void onlyTheNf4FormStaysResidentAndAForwardLeavesNothingBehind() {
    Random rnd = new Random(5);
    try (NDManager m = NDManager.newBaseManager();
        Nf4Codebook book = new Nf4Codebook(m)) {
      NDArray weight = m.create(gaussian(rnd, OUT * IN, 0.05), new Shape(OUT, IN));
      int before = m.getManagedArrays().size();
      Nf4Linear layer = Nf4Linear.quantize("q", weight, null, book);
      assertTrue(weight.isReleased(), "the float weight is freed after quantizing");
      // codes, absmax codes, group scales, offset replace the one float weight
      assertEquals(before - 1 + 4, m.getManagedArrays().size());
      assertTrue(
          layer.quantized().bytesPerParameter() <= 0.6,
          "bytes/param " + layer.quantized().bytesPerParameter());
      assertTrue(layer.parameters().isEmpty(), "no float tensors: no bias, the weight is NF4");
      assertNull(layer.bias());
      assertEquals(IN, layer.inFeatures());
      assertEquals(OUT, layer.outFeatures());
      int resident = m.getManagedArrays().size();
      for (int i = 0; i < 10; i++) {
        try (NDManager step = m.newSubManager()) {
          layer.forward(step.create(gaussian(rnd, IN, 1), new Shape(1, IN)));
        }
      }
      assertEquals(resident, m.getManagedArrays().size(), "dequantized weights die with the step");
    }
  }

  @Test
  void theOutputHeadStaysFloat() {
    Nf4LinearFactory f = new Nf4LinearFactory();
    try (NDManager m = NDManager.newBaseManager()) {
      Random rnd = new Random(1);
      assertTrue(
          f.create(
                  "model.layers.0.mlp.down_proj",
                  m.create(gaussian(rnd, 64, 1), new Shape(8, 8)),
                  null)
              instanceof Nf4Linear);
      assertTrue(
          f.create("lm_head", m.create(gaussian(rnd, 64, 1), new Shape(8, 8)), null)
              instanceof dev.tuneforge.llm.model.Linear);
      assertEquals(1, f.layers().size());
      assertEquals(64, f.parameters());
    }
  }
}
