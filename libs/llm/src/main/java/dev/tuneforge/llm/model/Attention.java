package dev.tuneforge.llm.model;

import ai.djl.ndarray.NDArray;

/**
 * Grouped-query self-attention: {@code numHeads} query heads share {@code numKvHeads} key/value
 * heads in groups of {@code kvGroups}. Optional per-head RMSNorm on queries and keys (Qwen3) is
 * applied before RoPE. The additive bias masks future and padded positions.
 */
public final class Attention {
  private final int layer;
  private final LinearLayer q;
  private final LinearLayer k;
  private final LinearLayer v;
  private final LinearLayer o;
  private final RmsNorm qNorm; // null unless Qwen3
  private final RmsNorm kNorm;
  private final int heads;
  private final int kvHeads;
  private final int headDim;

  public Attention(
      int layer,
      LinearLayer q,
      LinearLayer k,
      LinearLayer v,
      LinearLayer o,
      RmsNorm qNorm,
      RmsNorm kNorm,
      int heads,
      int kvHeads,
      int headDim) {
    this.layer = layer;
    this.q = q;
    this.k = k;
    this.v = v;
    this.o = o;
    this.qNorm = qNorm;
    this.kNorm = kNorm;
    this.heads = heads;
    this.kvHeads = kvHeads;
    this.headDim = headDim;
  }

  /**
   * @param x {@code [B, T, D]}
   * @param rope cos/sin {@code [B, 1, T, d]}
   * @param bias additive mask {@code [B, 1, 1, T, S]} (0 = visible, large negative = hidden)
   * @param cache past keys/values, or null (then {@code S == T})
   * @return {@code [B, T, D]}
   */
  public NDArray forward(
      ForwardContext ctx, NDArray x, Rope.Tables rope, NDArray bias, KvCache cache) {
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);
    if (t == 1 && cache != null) {
      return decodeStep(ctx, x, rope, bias, cache);
    }
    return general(ctx, x, rope, bias, cache);
  }

  /** The path for any {@code T}; {@link #forward} takes it except for one-token cached steps. */
  NDArray general(ForwardContext ctx, NDArray x, Rope.Tables rope, NDArray bias, KvCache cache) {
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);
    int groups = heads / kvHeads;
    NDArray qs = q.forward(x).reshape(b, t, heads, headDim); // [B, T, H, d]
    NDArray ks = k.forward(x).reshape(b, t, kvHeads, headDim); // [B, T, KV, d]
    NDArray vs =
        v.forward(x).reshape(b, t, kvHeads, headDim).transpose(0, 2, 1, 3); // [B, KV, T, d]
    if (qNorm != null) {
      qs = qNorm.forward(qs, ctx.eps()); // normalised over d, per head
      ks = kNorm.forward(ks, ctx.eps());
    }
    qs = Rope.apply(qs.transpose(0, 2, 1, 3), rope); // [B, H, T, d]
    ks = Rope.apply(ks.transpose(0, 2, 1, 3), rope); // [B, KV, T, d]
    if (cache != null) {
      NDArray[] kv = cache.append(layer, ks, vs);
      ks = kv[0]; // [B, KV, S, d]
      vs = kv[1]; // [B, KV, S, d]
    }
    long s = ks.getShape().get(2);
    // GQA by broadcasting: query heads grouped under their kv head, no copy of K/V per group.
    // 1/sqrt(d) applied to q [B, H, T, d] rather than to the scores [B, H, T, S]: the same
    // product, one elementwise pass over T·d instead of T·S values (and again in backward)
    NDArray q5 =
        qs.mul(ctx.attnScale()).reshape(b, kvHeads, groups, t, headDim); // [B, KV, G, T, d]
    NDArray kT = ks.expandDims(2).transpose(0, 1, 2, 4, 3); // [B, KV, 1, d, S]
    NDArray scores = q5.matMul(kT).add(bias); // [B, KV, G, T, S]
    NDArray probs = scores.softmax(-1); // [B, KV, G, T, S]
    NDArray out = probs.matMul(vs.expandDims(2)); // [B, KV, G, T, d]
    out =
        out.reshape(b, heads, t, headDim)
            .transpose(0, 2, 1, 3)
            .reshape(b, t, (long) heads * headDim);
    return o.forward(out); // [B, T, D]
  }

  /**
   * One new token per row with the cache ({@code T = 1}): the same arithmetic as the general path
   * in fewer libtorch calls (the per-call cost, not the arithmetic, bounds batch-1 decoding). With
   * one query position the head axis can sit where the time axis was, so projections reshape
   * straight to {@code [B, KV, G, d]} / {@code [B, KV, 1, d]} without transposes, and no 5-d
   * broadcasting is needed.
   */
  NDArray decodeStep(ForwardContext ctx, NDArray x, Rope.Tables rope, NDArray bias, KvCache cache) {
    long b = x.getShape().get(0);
    int groups = heads / kvHeads;
    NDArray qs = q.forward(x).reshape(b, kvHeads, groups, headDim); // [B, KV, G, d]: heads kv-major
    NDArray ks = k.forward(x).reshape(b, kvHeads, 1, headDim); // [B, KV, 1, d]
    NDArray vs = v.forward(x).reshape(b, kvHeads, 1, headDim); // [B, KV, 1, d]
    if (qNorm != null) {
      qs = qNorm.forward(qs, ctx.eps());
      ks = kNorm.forward(ks, ctx.eps());
    }
    // rope tables [B, 1, 1, d] broadcast over the head axes
    qs = Rope.apply(qs, rope); // [B, KV, G, d]
    ks = Rope.apply(ks, rope); // [B, KV, 1, d]
    NDArray[] kv = cache.append(layer, ks, vs); // [B, KV, S, d] each
    NDArray scores = qs.mul(ctx.attnScale()).matMul(kv[0].transpose(0, 1, 3, 2)); // [B, KV, G, S]
    NDArray probs =
        scores.add(bias.reshape(b, 1, 1, -1)).softmax(-1); // bias [B,1,1,1,S] -> [B,1,1,S]
    NDArray out = probs.matMul(kv[1]); // [B, KV, G, d]
    return o.forward(out.reshape(b, 1, (long) heads * headDim)); // [B, 1, D]
  }

  public LinearLayer q() {
    return q;
  }

  public LinearLayer k() {
    return k;
  }

  public LinearLayer v() {
    return v;
  }

  public LinearLayer o() {
    return o;
  }

  public RmsNorm qNorm() {
    return qNorm;
  }

  public RmsNorm kNorm() {
    return kNorm;
  }
}
