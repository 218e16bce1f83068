package dev.tuneforge.llm.lora;

import ai.djl.ndarray.NDArray;
import dev.tuneforge.llm.model.CausalLM;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Finds LoRA tensors by the {@code lora_} prefix of a name component, as litgpt and PEFT do: a
 * model's trainable and saveable tensors are exactly those, everything else is the frozen base.
 */
public final class LoraParameters {
  private LoraParameters() {}

  /** {@code model.layers.0.self_attn.q_proj.lora_A.weight} → true; base tensors → false. */
  public static boolean isLora(String tensorName) {
    return tensorName.startsWith("lora_") || tensorName.contains(".lora_");
  }

  /** The LoRA tensors of a model, by name, in model order. */
  public static Map<String, NDArray> trainable(CausalLM model) {
    Map<String, NDArray> p = new LinkedHashMap<>();
    model
        .parameters()
        .forEach(
            (n, a) -> {
              if (isLora(n)) {
                p.put(n, a);
              }
            });
    return p;
  }
}
