package dev.tuneforge.llm.model;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A plain linear layer with HF's weight layout {@code [out, in]} and an optional bias {@code
 * [out]}.
 */
public final class Linear implements LinearLayer {
  private final String name;
  private final NDArray weight;
  private final NDArray bias;

  public Linear(String name, NDArray weight, NDArray bias) {
    this.name = name;
    this.weight = weight;
    this.bias = bias;
  }

  @Override
  public NDArray forward(NDArray x) {
    // x [..., in] · W[out, in]^T + b → [..., out]
    return bias == null
        ? ai.djl.nn.core.Linear.linear(x, weight).singletonOrThrow()
        : ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long inFeatures() {
    return weight.getShape().get(1);
  }

  @Override
  public long outFeatures() {
    return weight.getShape().get(0);
  }

  public NDArray weight() {
    return weight;
  }

  /** The bias, or null. */
  public NDArray bias() {
    return bias;
  }

  @Override
  public Map<String, NDArray> parameters() {
    Map<String, NDArray> m = new LinkedHashMap<>();
    m.put(name + ".weight", weight);
    if (bias != null) {
      m.put(name + ".bias", bias);
    }
    return m;
  }
}
