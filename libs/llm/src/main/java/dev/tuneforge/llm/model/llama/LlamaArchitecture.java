package dev.tuneforge.llm.model.llama;

import dev.tuneforge.llm.config.ModelType;
import dev.tuneforge.llm.model.Architecture;
import dev.tuneforge.llm.model.TensorNames;

/** Llama 2 and 3.x ({@code attention_bias}, {@code mlp_bias}, llama3 RoPE scaling). */
public final class LlamaArchitecture implements Architecture {

  /** HF module names of {@code LlamaForCausalLM} (transformers/models/llama/modeling_llama.py). */
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
    return ModelType.LLAMA;
  }

  @Override
  public TensorNames names() {
    return NAMES;
  }
}
