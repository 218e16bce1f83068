package dev.tuneforge.llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Builds position ids and additive attention masks on the Java side (they are small). */
public final class Masks {
  /** Added to hidden scores: exp underflows to exactly 0, and a fully hidden row stays finite. */
  public static final float HIDDEN = -1e9f;

  private Masks() {}

  /**
   * Additive bias {@code [B, 1, 1, T, S]} for {@code T} queries occupying the last {@code T} of
   * {@code S} cache slots. Query at slot {@code q} sees key slot {@code s} iff {@code s <= q},
   * {@code keyValid[b][s]}, and (with a sliding window {@code w}) {@code q - s < w}.
   *
   * @param keyValid {@code [B][>= S]}: true where the slot holds a real (non-padding) token
   * @param window sliding window in tokens, or null
   */
  public static NDArray bias(NDManager m, boolean[][] keyValid, int t, int s, Integer window) {
    int b = keyValid.length;
    float[] data = new float[b * t * s];
    for (int i = 0; i < b; i++) {
      for (int qi = 0; qi < t; qi++) {
        int q = s - t + qi;
        int base = (i * t + qi) * s;
        for (int k = 0; k < s; k++) {
          boolean visible = k <= q && keyValid[i][k] && (window == null || q - k < window);
          data[base + k] = visible ? 0f : HIDDEN;
        }
      }
    }
    return m.create(data, new Shape(b, 1, 1, t, s));
  }

  /**
   * Position ids {@code [B, T]} for a batch without cache: the index among the row's real tokens
   * (so left padding does not shift positions); padding slots get 1, as HF does.
   */
  public static long[][] positions(boolean[][] valid) {
    long[][] pos = new long[valid.length][];
    for (int i = 0; i < valid.length; i++) {
      pos[i] = new long[valid[i].length];
      long next = 0;
      for (int j = 0; j < valid[i].length; j++) {
        pos[i][j] = valid[i][j] ? next++ : 1;
      }
    }
    return pos;
  }

  public static NDArray longs(NDManager m, long[][] rows) {
    int b = rows.length;
    int t = rows[0].length;
    long[] flat = new long[b * t];
    for (int i = 0; i < b; i++) {
      System.arraycopy(rows[i], 0, flat, i * t, t);
    }
    return m.create(flat, new Shape(b, t));
  }
}
