package dev.tuneforge.llm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RMSNorm, RoPE and grouped-query attention against their formulas, evaluated in plain double Java.
 */
class BlocksTest {
  private static NDManager manager;
  private final Random random = new Random(42);

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  private float[] randn(int n, double scale) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (scale * random.nextGaussian());
    }
    return a;
  }

  @Test
  void rmsNormIsXOverRootMeanSquareTimesWeight() {
    int rows = 6;
    int d = 8;
    float[] x = randn(rows * d, 3);
    float[] w = randn(d, 1);
    double eps = 1e-5;
    try (NDManager step = manager.newSubManager()) {
      RmsNorm norm = new RmsNorm("n", step.create(w));
      float[] got =
          norm.forward(step.create(x, new Shape(2, 3, d)), step.create((float) eps)).toFloatArray();
      for (int r = 0; r < rows; r++) {
        double ms = 0;
        for (int i = 0; i < d; i++) {
          ms += (double) x[r * d + i] * x[r * d + i];
        }
        ms /= d;
        for (int i = 0; i < d; i++) {
          double want = x[r * d + i] / Math.sqrt(ms + eps) * w[i];
          assertEquals(want, got[r * d + i], 1e-5 * Math.max(1, Math.abs(want)));
        }
      }
    }
  }

  @Test
  void ropeRotatesDimensionIWithDimensionIPlusHalf() {
    int heads = 2;
    int t = 5;
    int d = 8;
    float[] x = randn(heads * t * d, 1);
    float[] inv = {1f, 0.3f, 0.05f, 0.001f};
    long[] positions = {0, 3, 7, 20, 100};
    try (NDManager step = manager.newSubManager()) {
      Rope rope = new Rope(inv);
      Rope.Tables tables = rope.tables(step, step.create(positions, new Shape(1, t)));
      float[] got = Rope.apply(step.create(x, new Shape(1, heads, t, d)), tables).toFloatArray();
      int half = d / 2;
      for (int h = 0; h < heads; h++) {
        for (int p = 0; p < t; p++) {
          int base = (h * t + p) * d;
          for (int i = 0; i < d; i++) {
            double angle = positions[p] * (double) inv[i % half];
            double partner = i < half ? -x[base + i + half] : x[base + i - half];
            double want = x[base + i] * Math.cos(angle) + partner * Math.sin(angle);
            assertEquals(want, got[base + i], 2e-5, "h=" + h + " p=" + p + " i=" + i);
          }
        }
      }
    }
  }

  @Test
  void groupedQueryAttentionWithCausalAndPaddingMask() {
    int b = 2;
    int t = 5;
    int dim = 16;
    int heads = 4;
    int kvHeads = 2;
    int hd = 4;
    float[] x = randn(b * t * dim, 1);
    float[] wq = randn(heads * hd * dim, 0.5);
    float[] wk = randn(kvHeads * hd * dim, 0.5);
    float[] wv = randn(kvHeads * hd * dim, 0.5);
    float[] wo = randn(dim * heads * hd, 0.5);
    float[] bq = randn(heads * hd, 0.3);
    float[] inv = {1f, 0.1f};
    // Row 1 is left-padded by two slots.
    boolean[][] valid = {{true, true, true, true, true}, {false, false, true, true, true}};
    long[][] pos = Masks.positions(valid);
    float[] got;
    try (NDManager step = manager.newSubManager()) {
      Attention attn =
          new Attention(
              0,
              new Linear("q", step.create(wq, new Shape(heads * hd, dim)), step.create(bq)),
              new Linear("k", step.create(wk, new Shape(kvHeads * hd, dim)), null),
              new Linear("v", step.create(wv, new Shape(kvHeads * hd, dim)), null),
              new Linear("o", step.create(wo, new Shape(dim, heads * hd)), null),
              null,
              null,
              heads,
              kvHeads,
              hd);
      ForwardContext ctx = ForwardContext.of(step, 1e-6, hd);
      Rope.Tables tables = new Rope(inv).tables(step, Masks.longs(step, pos));
      NDArray bias = Masks.bias(step, valid, t, t, null);
      got =
          attn.forward(ctx, step.create(x, new Shape(b, t, dim)), tables, bias, null)
              .toFloatArray();
    }
    for (int bi = 0; bi < b; bi++) {
      double[][] q = project(x, bi, t, dim, wq, bq, heads * hd);
      double[][] k = project(x, bi, t, dim, wk, null, kvHeads * hd);
      double[][] v = project(x, bi, t, dim, wv, null, kvHeads * hd);
      rope(q, pos[bi], inv, heads, hd);
      rope(k, pos[bi], inv, kvHeads, hd);
      double[][] ctxOut = new double[t][heads * hd];
      for (int h = 0; h < heads; h++) {
        int g = h / (heads / kvHeads); // the kv head this query head shares
        for (int i = 0; i < t; i++) {
          double[] s = new double[t];
          double max = Double.NEGATIVE_INFINITY;
          for (int j = 0; j < t; j++) {
            if (j > i || !valid[bi][j]) {
              s[j] = Double.NEGATIVE_INFINITY;
              continue;
            }
            double dot = 0;
            for (int e = 0; e < hd; e++) {
              dot += q[i][h * hd + e] * k[j][g * hd + e];
            }
            s[j] = dot / Math.sqrt(hd);
            max = Math.max(max, s[j]);
          }
          double sum = 0;
          for (int j = 0; j < t; j++) {
            s[j] = s[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(s[j] - max);
            sum += s[j];
          }
          for (int j = 0; j < t; j++) {
            for (int e = 0; e < hd; e++) {
              ctxOut[i][h * hd + e] += s[j] / sum * v[j][g * hd + e];
            }
          }
        }
      }
      for (int i = 0; i < t; i++) {
        if (!valid[bi][i]) {
          continue; // outputs at padding positions are never used
        }
        for (int o = 0; o < dim; o++) {
          double want = 0;
          for (int e = 0; e < heads * hd; e++) {
            want += wo[o * heads * hd + e] * ctxOut[i][e];
          }
          assertEquals(want, got[(bi * t + i) * dim + o], 1e-4, "b=" + bi + " t=" + i + " o=" + o);
        }
      }
    }
  }

  private static double[][] project(
      float[] x, int bi, int t, int dim, float[] w, float[] bias, int out) {
    double[][] y = new double[t][out];
    for (int i = 0; i < t; i++) {
      for (int o = 0; o < out; o++) {
        double s = bias == null ? 0 : bias[o];
        for (int e = 0; e < dim; e++) {
          s += w[o * dim + e] * (double) x[(bi * t + i) * dim + e];
        }
        y[i][o] = s;
      }
    }
    return y;
  }

  private static void rope(double[][] y, long[] pos, float[] inv, int heads, int hd) {
    int half = hd / 2;
    for (int i = 0; i < y.length; i++) {
      for (int h = 0; h < heads; h++) {
        double[] r = new double[hd];
        for (int e = 0; e < hd; e++) {
          double angle = pos[i] * (double) inv[e % half];
          double partner = e < half ? -y[i][h * hd + e + half] : y[i][h * hd + e - half];
          r[e] = y[i][h * hd + e] * Math.cos(angle) + partner * Math.sin(angle);
        }
        System.arraycopy(r, 0, y[i], h * hd, hd);
      }
    }
  }
}
