package dev.tuneforge.llm.model.mistral;

import dev.tuneforge.llm.config.ModelType;
import dev.tuneforge.llm.model.Architecture;
import dev.tuneforge.llm.model.TensorNames;

/** Mistral: Llama's layout without biases, optional sliding-window attention. */
public final class MistralArchitecture implements Architecture {

  /** HF module names of {@code MistralForCausalLM} (transformers/models/mistral/modeling_mistral.py). */
  public static final TensorNames NAMES =
      new TensorNames(
          "model.embed_tokens",
          "model.layers.%d.",
          "self_attn.q_proj",
          "self_attn.k_proj",
          "self_attn.v_proj",
          "self_attn.o_proj",
          null,
          null,
          "input_layernorm",
          "post_attention_layernorm",
          "mlp.gate_proj",
          "mlp.up_proj",
          "mlp.down_proj",
          "model.norm",
          "lm_head");

  @Override
  public ModelType type() {
    return ModelType.MISTRAL;
  }

  @Override
  public TensorNames names() {
    return NAMES;
  }
}
