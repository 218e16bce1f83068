package dev.tuneforge.llm.train.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The one-pass AdamW kernel against the op-by-op update: the moments bit for bit, the parameters
 * within a few ulps. The only difference is the square root: the kernel's is correctly rounded,
 * libtorch's vectorised float sqrt here is off by one ulp for ~0.7% of inputs (measured), which
 * moves the denominator by one ulp; every other operation is the same float32 operation.
 */
class FusedAdamWTest {

  private static float[] randn(int n, long seed, double scale) {
    Random r = new Random(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (r.nextGaussian() * scale);
    }
    return x;
  }

  @Test
  void fusedUpdateMatchesTheOpByOpUpdate() {
    // sizes: a small matrix, a vector, and one spanning several parallel chunks
    long[][] shapes = {{7, 13}, {5}, {600, 1000}};
    boolean[] decay = {true, false, true};
    AdamWConfig config = new AdamWConfig(0.9, 0.999, 1e-8, 0.05);
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, float[]> results = new LinkedHashMap<>();
      for (boolean fused : new boolean[] {false, true}) {
        List<TrainableParameter> params = new java.util.ArrayList<>();
        for (int i = 0; i < shapes.length; i++) {
          int n = (int) new Shape(shapes[i]).size();
          params.add(
              new TrainableParameter(
                  "p" + i, m.create(randn(n, i, 0.5), new Shape(shapes[i])), decay[i]));
        }
        try (AdamW opt = new AdamW(m, params, config)) {
          if (!fused) {
            opt.useOpsOnly();
          }
          for (int step = 0; step < 5; step++) {
            Map<String, NDArray> grads = new LinkedHashMap<>();
            for (int i = 0; i < shapes.length; i++) {
              int n = (int) new Shape(shapes[i]).size();
              float[] g =
                  randn(
                      n, 100 + 10 * step + i, step == 2 ? 1e-6 : 1.0); // one step of tiny gradients
              if (shapes[i].length == 2 && i == 0) {
                // a transposed (non-contiguous) gradient: read through a copy
                grads.put("p" + i, m.create(g, new Shape(shapes[i][1], shapes[i][0])).transpose());
              } else {
                grads.put("p" + i, m.create(g, new Shape(shapes[i])));
              }
            }
            opt.step(1e-3 * (step + 1), grads);
          }
          for (TrainableParameter p : params) {
            results.put(fused + p.name(), p.value().toFloatArray());
            results.put(fused + p.name() + ".m", opt.expAvg(p.name()).toFloatArray());
            results.put(fused + p.name() + ".v", opt.expAvgSq(p.name()).toFloatArray());
          }
        }
      }
      for (int i = 0; i < shapes.length; i++) {
        for (String part : new String[] {".m", ".v"}) {
          assertArrayEquals(
              results.get("false" + "p" + i + part),
              results.get("true" + "p" + i + part),
              "p" + i + part);
        }
        float[] ops = results.get("falsep" + i);
        float[] fused = results.get("truep" + i);
        for (int k = 0; k < ops.length; k++) {
          // a one-ulp denominator moves each update (~lr = 1e-3..5e-3) by about one of its ulps
          // (~4e-10)
          assertEquals(
              ops[k],
              fused[k],
              4 * Math.ulp(ops[k]) + 5 * 2 * Math.ulp(5e-3f),
              "p" + i + "[" + k + "]");
        }
      }
    }
  }
}
