package dev.tuneforge.llm.lora;

import dev.tuneforge.llm.safetensors.FloatTensor;

/**
 * The LoRA factors of one module, as stored in an adapter.
 *
 * @param module HF module name, e.g. {@code model.layers.0.self_attn.q_proj}
 * @param a {@code lora_A.weight [r, in]}
 * @param b {@code lora_B.weight [out, r]}
 */
public record LoraWeights(String module, FloatTensor a, FloatTensor b) {
  public int rank() {
    return (int) a.shape()[0];
  }
}
