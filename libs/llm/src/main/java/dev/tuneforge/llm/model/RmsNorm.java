package dev.tuneforge.llm.model;

import ai.djl.ndarray.NDArray;

/** Root-mean-square norm over the last axis, in float32: {@code x / sqrt(mean(x²) + eps) * w}. */
public final class RmsNorm {
  private final String name;
  private final NDArray weight;

  public RmsNorm(String name, NDArray weight) {
    this.name = name;
    this.weight = weight;
  }

  /** {@code x [..., d]}, {@code eps} shape () → {@code [..., d]}. */
  public NDArray forward(NDArray x, NDArray eps) {
    NDArray variance = x.square().mean(new int[] {-1}, true); // [..., 1]
    NDArray normed = x.div(variance.add(eps).sqrt()); // [..., d]
    return normed.mul(weight);
  }

  public String name() {
    return name;
  }

  public NDArray weight() {
    return weight;
  }
}
