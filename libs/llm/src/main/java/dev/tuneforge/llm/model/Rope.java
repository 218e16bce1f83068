package dev.tuneforge.llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embeddings in HF's rotate-half convention: dimension {@code i} pairs with {@code
 * i + d/2} (not with its neighbour), {@code x' = x cos + rotate_half(x) sin}.
 *
 * <p>{@code rotate_half(x)} is computed as {@code x · R} with a signed permutation matrix {@code R
 * [d, d]}: one libtorch call instead of two slices, a negation and a concatenation (the rotation
 * runs twice per layer and token, so its call count matters at batch 1). It is exact: every output
 * is {@code ±1 · x_j} plus exact zeros, so the result equals the slicing form bit for bit ({@link
 * #applyBySlicing}, checked in BlocksTest), forward and backward.
 */
public final class Rope {
  private final float[] invFreq;

  public Rope(float[] invFreq) {
    this.invFreq = invFreq.clone();
  }

  /**
   * cos and sin tables, and the rotate-half matrix.
   *
   * @param cos {@code [B, 1, T, d]}
   * @param sin {@code [B, 1, T, d]}
   * @param rotation {@code [d, d]}, or null (then {@link #apply} slices)
   */
  public record Tables(NDArray cos, NDArray sin, NDArray rotation) {
    public Tables(NDArray cos, NDArray sin) {
      this(cos, sin, null);
    }
  }

  /** {@code positions [B, T]} int64 → cos, sin {@code [B, 1, T, d]} (broadcast over heads). */
  public Tables tables(NDManager m, NDArray positions) {
    NDArray inv = m.create(invFreq); // [d/2]
    NDArray freqs =
        positions.toType(DataType.FLOAT32, false).expandDims(-1).mul(inv); // [B, T, d/2]
    NDArray emb = NDArrays.concat(new NDList(freqs, freqs), -1).expandDims(1); // [B, 1, T, d]
    return new Tables(
        emb.cos(),
        emb.sin(),
        m.create(
            rotateHalfMatrix(2 * invFreq.length),
            new Shape(2L * invFreq.length, 2L * invFreq.length)));
  }

  /** {@code R [d, d]} row-major with {@code x · R = concat(-x[d/2:], x[:d/2])}. */
  static float[] rotateHalfMatrix(int d) {
    int half = d / 2;
    float[] r = new float[d * d];
    for (int j = 0; j < half; j++) {
      r[(j + half) * d + j] = -1f; // out[j] = -x[j + d/2]
      r[j * d + j + half] = 1f; // out[j + d/2] = x[j]
    }
    return r;
  }

  /**
   * {@code x [..., T, d]} (any leading dims broadcasting against the tables) → rotated, same shape.
   */
  public static NDArray apply(NDArray x, Tables t) {
    if (t.rotation() == null) {
      return applyBySlicing(x, t);
    }
    NDArray r = t.rotation();
    if (r.getDataType() != x.getDataType()) {
      r =
          r.toType(
              x.getDataType(),
              false); // matMul does not promote (float64 gradient checks); ±1 and 0 are exact
    }
    return x.mul(t.cos()).add(x.matMul(r).mul(t.sin()));
  }

  /** The textbook form with slices and a concatenation (reference for {@link #apply}). */
  public static NDArray applyBySlicing(NDArray x, Tables t) {
    long half = x.getShape().get(x.getShape().dimension() - 1) / 2;
    NDArray x1 = x.get(new NDIndex("..., :{}", half)); // [..., d/2]
    NDArray x2 = x.get(new NDIndex("..., {}:", half)); // [..., d/2]
    NDArray rotated = NDArrays.concat(new NDList(x2.neg(), x1), -1); // [..., d]
    return x.mul(t.cos()).add(rotated.mul(t.sin()));
  }

  public float[] inverseFrequencies() {
    return invFreq.clone();
  }
}
