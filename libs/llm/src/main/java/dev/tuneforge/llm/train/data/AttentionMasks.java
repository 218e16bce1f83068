package dev.tuneforge.llm.train.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Builds the additive attention mask of a {@link Batch} on the device from its segment ids: 0 where
 * query i may attend key j (same non-zero segment, j ≤ i), a large negative number elsewhere.
 * Block-diagonal causal for packed rows, plain causal + padding otherwise.
 *
 * <p>The negative is finite (−1e9, not −∞) so a padding query, which may attend nothing, gets a
 * uniform softmax instead of NaN; its label is ignored, so the value never reaches the loss.
 */
public final class AttentionMasks {

  public static final float MASKED = -1e9f;

  private AttentionMasks() {}

  /** (B, 1, T, T) float32, broadcastable over heads. */
  public static NDArray additive(NDManager manager, Batch batch) {
    int b = batch.batchSize();
    int t = batch.seqLen();
    try (NDManager scratch = manager.newSubManager()) {
      NDArray seg = scratch.create(batch.segmentIds(), new Shape(b, t)); // (B, T)
      NDArray q = seg.reshape(b, 1, t, 1); // (B, 1, T, 1)
      NDArray k = seg.reshape(b, 1, 1, t); // (B, 1, 1, T)
      NDArray sameSegment = q.eq(k).logicalAnd(q.neq(0)); // (B, 1, T, T)
      NDArray pos = scratch.arange(t); // (T)
      NDArray causal = pos.reshape(t, 1).gte(pos.reshape(1, t)); // (T, T)
      NDArray allowed = sameSegment.logicalAnd(causal); // (B, 1, T, T)
      // (allowed − 1) · 1e9: 0 where allowed, −1e9 elsewhere (DJL's where() does not broadcast)
      NDArray mask = allowed.toType(DataType.FLOAT32, false).sub(1f).mul(-MASKED); // (B, 1, T, T)
      mask.attach(manager);
      return mask;
    }
  }
}
