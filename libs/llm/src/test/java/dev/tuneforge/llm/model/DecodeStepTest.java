package dev.tuneforge.llm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The batch-1 decode shortcuts against the forms they replace: the rotate-half matrix against
 * slicing (bit for bit), the one-token attention step against the general attention path, and row
 * views and compaction of the KV cache against the plain cache.
 */
class DecodeStepTest {
  private static NDManager manager;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  private static float[] randn(int n, long seed) {
    Random r = new Random(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return x;
  }

  @Test
  void rotateHalfMatrixEqualsSlicingBitForBit() {
    int heads = 3;
    int t = 7;
    int d = 16;
    try (NDManager step = manager.newSubManager();
        NoGrad g = NoGrad.enter()) {
      Rope rope = new Rope(new float[] {1f, 0.5f, 0.1f, 0.03f, 0.01f, 0.003f, 0.001f, 0.0001f});
      Rope.Tables tables =
          rope.tables(
              step, step.create(new long[] {0, 1, 5, 9, 100, 2000, 70000}, new Shape(1, t)));
      NDArray x = step.create(randn(heads * t * d, 3), new Shape(1, heads, t, d));
      assertArrayEquals(
          Rope.applyBySlicing(x, tables).toFloatArray(), Rope.apply(x, tables).toFloatArray());
    }
  }

  @Test
  void oneTokenStepEqualsTheGeneralAttentionPath() {
    int dim = 32;
    int heads = 4;
    int kvHeads = 2;
    int hd = 8;
    int b = 2;
    int prompt = 5;
    int steps = 4;
    try (NDManager m = manager.newSubManager();
        NoGrad g = NoGrad.enter()) {
      Attention attn =
          new Attention(
              0,
              new Linear(
                  "q",
                  m.create(randn(heads * hd * dim, 1), new Shape(heads * hd, dim)),
                  m.create(randn(heads * hd, 2))),
              new Linear(
                  "k", m.create(randn(kvHeads * hd * dim, 3), new Shape(kvHeads * hd, dim)), null),
              new Linear(
                  "v", m.create(randn(kvHeads * hd * dim, 4), new Shape(kvHeads * hd, dim)), null),
              new Linear(
                  "o", m.create(randn(dim * heads * hd, 5), new Shape(dim, heads * hd)), null),
              null,
              null,
              heads,
              kvHeads,
              hd);
      Rope rope = new Rope(new float[] {1f, 0.3f, 0.05f, 0.001f});
      int capacity = prompt + steps;
      boolean[][] valid = {new boolean[capacity], new boolean[capacity]};
      for (int j = 0; j < prompt; j++) {
        valid[0][j] = true;
        valid[1][j] = j >= 2; // row 1 left-padded by two slots
      }
      try (KvCache fast = new KvCache(m, 1, kvHeads, hd, b, capacity);
          KvCache slow = new KvCache(m, 1, kvHeads, hd, b, capacity)) {
        float[] x0 = randn(b * prompt * dim, 6);
        try (NDManager step = m.newSubManager()) {
          ForwardContext ctx = ForwardContext.of(step, 1e-6, hd);
          Rope.Tables tables =
              rope.tables(step, Masks.longs(step, Masks.positions(copy(valid, prompt))));
          NDArray bias = Masks.bias(step, valid, prompt, prompt, null);
          NDArray x = step.create(x0, new Shape(b, prompt, dim));
          fast.attachTo(step);
          slow.attachTo(step);
          attn.general(ctx, x, tables, bias, fast);
          attn.general(ctx, x, tables, bias, slow);
          fast.advance(prompt);
          slow.advance(prompt);
        }
        for (int n = 0; n < steps; n++) {
          int slot = prompt + n;
          valid[0][slot] = true;
          valid[1][slot] = true;
          try (NDManager step = m.newSubManager()) {
            ForwardContext ctx = ForwardContext.of(step, 1e-6, hd);
            long[][] pos = {{slot}, {slot - 2}};
            Rope.Tables tables = rope.tables(step, Masks.longs(step, pos));
            NDArray bias = Masks.bias(step, valid, 1, slot + 1, null);
            NDArray x = step.create(randn(b * dim, 10 + n), new Shape(b, 1, dim));
            fast.attachTo(step);
            slow.attachTo(step);
            float[] want = attn.general(ctx, x, tables, bias, slow).toFloatArray();
            float[] got = attn.decodeStep(ctx, x, tables, bias, fast).toFloatArray();
            fast.advance(1);
            slow.advance(1);
            assertEquals(want.length, got.length);
            for (int i = 0; i < want.length; i++) {
              assertEquals(
                  want[i],
                  got[i],
                  1e-5 * Math.max(1, Math.abs(want[i])),
                  "step " + n + " value " + i);
            }
          }
        }
      }
    }
  }

  @Test
  void rowViewWritesIntoTheSharedCacheAndCompactionMovesSlots() {
    try (NDManager m = manager.newSubManager();
        NoGrad g = NoGrad.enter();
        KvCache cache = new KvCache(m, 1, 1, 2, 2, 6)) {
      cache.setLength(3);
      try (KvCache row1 = cache.rows(1, 2);
          NDManager step = m.newSubManager()) {
        row1.attachTo(step);
        NDArray k = step.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 2, 2)); // slots 3, 4
        NDArray[] all = row1.append(0, k, k.neg());
        assertEquals(new Shape(1, 1, 5, 2), all[0].getShape());
        row1.advance(2);
      }
      assertEquals(5, cache.length());
      cache.compact(new int[][] {{0}, {3, 4}});
      try (NDManager step = m.newSubManager()) {
        cache.attachTo(step);
        NDArray[] all =
            cache.append(0, step.zeros(new Shape(2, 1, 1, 2)), step.zeros(new Shape(2, 1, 1, 2)));
        float[] keys = all[0].toFloatArray(); // [2, 1, 6, 2]
        assertArrayEquals(
            new float[] {1, 2, 3, 4},
            java.util.Arrays.copyOfRange(keys, 12, 16),
            "row 1 slots 0-1");
        float[] values = all[1].toFloatArray();
        assertArrayEquals(
            new float[] {-1, -2, -3, -4}, java.util.Arrays.copyOfRange(values, 12, 16));
      }
    }
  }

  private static boolean[][] copy(boolean[][] v, int n) {
    boolean[][] out = new boolean[v.length][];
    for (int i = 0; i < v.length; i++) {
      out[i] = java.util.Arrays.copyOf(v[i], n);
    }
    return out;
  }
}
