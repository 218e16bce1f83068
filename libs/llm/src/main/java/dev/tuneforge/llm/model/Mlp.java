package dev.tuneforge.llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/** SwiGLU feed-forward: {@code down(silu(gate(x)) * up(x))}. */
public final class Mlp {
  private final LinearLayer gate;
  private final LinearLayer up;
  private final LinearLayer down;

  public Mlp(LinearLayer gate, LinearLayer up, LinearLayer down) {
    this.gate = gate;
    this.up = up;
    this.down = down;
  }

  /** {@code x [B, T, D]} → {@code [B, T, D]} through width {@code I}. */
  public NDArray forward(NDArray x) {
    NDArray g = gate.forward(x); // [B, T, I]
    NDArray silu = g.mul(Activation.sigmoid(g)); // silu(g) = g * sigmoid(g)
    return down.forward(silu.mul(up.forward(x))); // [B, T, D]
  }

  public LinearLayer gate() {
    return gate;
  }

  public LinearLayer up() {
    return up;
  }

  public LinearLayer down() {
    return down;
  }
}
