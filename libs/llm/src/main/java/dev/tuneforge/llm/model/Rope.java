package dev.tuneforge.llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/**
 * Rotary position embeddings in HF's rotate-half convention: dimension {@code i} pairs with
 * {@code i + d/2} (not with its neighbour), {@code x' = x cos + rotate_half(x) sin}.
 */
public final class Rope {
  private final float[] invFreq;

  public Rope(float[] invFreq) {
    this.invFreq = invFreq.clone();
  }

  /** cos and sin tables for the given positions. */
  public record Tables(NDArray cos, NDArray sin) {}

  /** {@code positions [B, T]} int64 → cos, sin {@code [B, 1, T, d]} (broadcast over heads). */
  public Tables tables(NDManager m, NDArray positions) {
    NDArray inv = m.create(invFreq); // [d/2]
    NDArray freqs = positions.toType(DataType.FLOAT32, false).expandDims(-1).mul(inv); // [B, T, d/2]
    NDArray emb = NDArrays.concat(new NDList(freqs, freqs), -1).expandDims(1); // [B, 1, T, d]
    return new Tables(emb.cos(), emb.sin());
  }

  /** {@code x [B, heads, T, d]} → rotated, same shape. */
  public static NDArray apply(NDArray x, Tables t) {
    long half = x.getShape().get(3) / 2;
    NDArray x1 = x.get(new NDIndex("..., :{}", half)); // [B, h, T, d/2]
    NDArray x2 = x.get(new NDIndex("..., {}:", half)); // [B, h, T, d/2]
    NDArray rotated = NDArrays.concat(new NDList(x2.neg(), x1), -1); // [B, h, T, d]
    return x.mul(t.cos()).add(rotated.mul(t.sin()));
  }

  public float[] inverseFrequencies() {
    return invFreq.clone();
  }
}
