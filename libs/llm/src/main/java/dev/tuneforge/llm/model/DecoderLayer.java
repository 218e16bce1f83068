package dev.tuneforge.llm.model;

import ai.djl.ndarray.NDArray;

/** Pre-norm decoder block: {@code h = x + attn(norm(x)); out = h + mlp(norm(h))}. */
public final class DecoderLayer {
  private final RmsNorm inputNorm;
  private final Attention attention;
  private final RmsNorm postAttentionNorm;
  private final Mlp mlp;

  public DecoderLayer(RmsNorm inputNorm, Attention attention, RmsNorm postAttentionNorm, Mlp mlp) {
    this.inputNorm = inputNorm;
    this.attention = attention;
    this.postAttentionNorm = postAttentionNorm;
    this.mlp = mlp;
  }

  /** {@code x [B, T, D]} → {@code [B, T, D]}. */
  public NDArray forward(
      ForwardContext ctx, NDArray x, Rope.Tables rope, NDArray bias, KvCache cache) {
    NDArray h = x.add(attention.forward(ctx, inputNorm.forward(x, ctx.eps()), rope, bias, cache));
    return h.add(mlp.forward(postAttentionNorm.forward(h, ctx.eps())));
  }

  public Attention attention() {
    return attention;
  }

  public Mlp mlp() {
    return mlp;
  }

  public RmsNorm inputNorm() {
    return inputNorm;
  }

  public RmsNorm postAttentionNorm() {
    return postAttentionNorm;
  }
}
