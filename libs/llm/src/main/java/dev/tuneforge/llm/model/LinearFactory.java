package dev.tuneforge.llm.model;

import ai.djl.ndarray.NDArray;

/**
 * Chooses the implementation of each linear layer when the model is built: plain for inference,
 * LoRA-wrapped for the modules a fine-tuning run targets (decided by HF module name).
 */
@FunctionalInterface
public interface LinearFactory {

  /**
   * @param moduleName HF module name, e.g. {@code model.layers.3.self_attn.v_proj}
   * @param weight {@code [out, in]} on the model's manager
   * @param bias {@code [out]} or null
   */
  LinearLayer create(String moduleName, NDArray weight, NDArray bias);

  /**
   * Bytes the layer built for {@code moduleName} keeps for a weight of {@code shape}, for the
   * up-front memory check ({@link MemoryBudget}); float32 unless the factory stores it otherwise.
   */
  default long residentBytes(String moduleName, long[] shape) {
    long n = Float.BYTES;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  static LinearFactory plain() {
    return Linear::new;
  }
}
