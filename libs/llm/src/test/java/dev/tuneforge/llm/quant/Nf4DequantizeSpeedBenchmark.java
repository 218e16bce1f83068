package dev.tuneforge.llm.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Times NDArray dequantization of one SmolLM2-135M MLP weight (1536 × 576) beside a GEMM that uses
 * it with 512 tokens, to show what share of a QLoRA forward the dequantization costs. Run with
 * {@code -Dtests.excluded=none -Dgroups=benchmark -Dtest=Nf4DequantizeSpeedBenchmark}.
 */
@Tag("benchmark")
class Nf4DequantizeSpeedBenchmark {

  @Test
  void dequantizeVersusMatchingGemm() {
    int out = 1536;
    int in = 576;
    float[] w = new float[out * in];
    Random rnd = new Random(3);
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (rnd.nextGaussian() * 0.02);
    }
    try (NDManager m = NDManager.newBaseManager();
        Nf4Codebook book = new Nf4Codebook(m);
        Nf4DeviceTensor q = Nf4Tensor.quantize(w, new long[] {out, in}, true).toDevice(m, book)) {
      NDArray x = m.randomNormal(new Shape(512, in));
      int reps = 100;
      for (int i = 0; i < 10; i++) { // warm-up
        try (NDManager s = m.newSubManager()) {
          s.tempAttachAll(x);
          q.dequantize(s).matMul(x.transpose()).toFloatArray();
        }
      }
      long t0 = System.nanoTime();
      for (int i = 0; i < reps; i++) {
        try (NDManager s = m.newSubManager()) {
          q.dequantize(s).get(0, 0).getFloat(); // forces the computation
        }
      }
      long t1 = System.nanoTime();
      NDArray wf = m.create(w, new Shape(out, in));
      for (int i = 0; i < reps; i++) {
        try (NDManager s = m.newSubManager()) {
          s.tempAttachAll(x, wf);
          x.matMul(wf.transpose()).get(0, 0).getFloat(); // (512, 1536)
        }
      }
      long t2 = System.nanoTime();
      double deqMs = (t1 - t0) / 1e6 / reps;
      double gemmMs = (t2 - t1) / 1e6 / reps;
      double gflops = 2.0 * 512 * in * out / ((t2 - t1) / 1e9 / reps) / 1e9;
      System.out.printf(
          "NF4 dequantize 1536x576 (double quant): %.3f ms; GEMM 512x576x1536: %.3f ms (%.1f GFLOP/s); "
              + "dequantize/GEMM = %.2f%n",
          deqMs, gemmMs, gflops, deqMs / gemmMs);
      assertEquals(w.length, q.shape().size());
    }
  }
}
