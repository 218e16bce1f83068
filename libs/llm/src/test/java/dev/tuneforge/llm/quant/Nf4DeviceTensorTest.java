package dev.tuneforge.llm.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Nf4DeviceTensorTest {

  private static float[] weights(int n, long seed) {
    Random rnd = new Random(seed);
    float[] w = new float[n];
    for (int i = 0; i < n; i++) {
      w[i] = (float) (rnd.nextGaussian() * 0.02 * (1 + (i / 64) % 7));
    }
    return w;
  }

  @Test
  void deviceDequantizationIsBitIdenticalToTheJavaOne() {
    try (NDManager manager = NDManager.newBaseManager();
        Nf4Codebook book = new Nf4Codebook(manager)) {
      long[][] shapes = {{96, 64}, {7, 9}, {3, 5, 41}, {600, 64}, {1}};
      for (long[] shape : shapes) {
        int n = (int) new Shape(shape).size();
        float[] w = weights(n, n);
        for (boolean dq : new boolean[] {false, true}) {
          Nf4Tensor t = Nf4Tensor.quantize(w, shape, dq);
          try (Nf4DeviceTensor d = t.toDevice(manager, book);
              NDManager step = manager.newSubManager()) {
            NDArray out = d.dequantize(step);
            assertEquals(new Shape(shape), out.getShape());
            assertEquals(DataType.FLOAT32, out.getDataType());
            assertArrayEquals(
                t.dequantize(),
                out.toFloatArray(),
                "shape " + new Shape(shape) + " double quant " + dq);
          }
        }
      }
    }
  }

  @Test
  void repeatedDequantizationLeaksNoArrays() {
    try (NDManager manager = NDManager.newBaseManager();
        Nf4Codebook book = new Nf4Codebook(manager)) {
      Nf4DeviceTensor d =
          Nf4Tensor.quantize(weights(300 * 64 + 5, 2), new long[] {300 * 64 + 5}, true)
              .toDevice(manager, book);
      int before = manager.getManagedArrays().size();
      for (int i = 0; i < 50; i++) {
        try (NDManager step = manager.newSubManager()) {
          d.dequantize(step);
          assertEquals(
              1, step.getManagedArrays().size(), "only the result stays on the step manager");
        }
      }
      assertEquals(before, manager.getManagedArrays().size());
      assertEquals(
          before, manager.getManagedArrays().stream().filter(a -> !a.isReleased()).count());
    }
  }

  @Test
  void residentDeviceBytesPerParameterStayUnderTheGoal() {
    try (NDManager manager = NDManager.newBaseManager();
        Nf4Codebook book = new Nf4Codebook(manager)) {
      long[] shape = {1536, 576}; // an MLP projection of the SmolLM2-135M shape
      float[] w = weights(1536 * 576, 9);
      try (Nf4DeviceTensor dq = Nf4Tensor.quantize(w, shape, true).toDevice(manager, book);
          Nf4DeviceTensor plain = Nf4Tensor.quantize(w, shape, false).toDevice(manager, book)) {
        assertTrue(dq.bytesPerParameter() <= 0.6, "double quant " + dq.bytesPerParameter());
        assertEquals(0.5159, dq.bytesPerParameter(), 1e-3);
        assertEquals(0.5625, plain.bytesPerParameter(), 1e-9);
      }
    }
  }
}
