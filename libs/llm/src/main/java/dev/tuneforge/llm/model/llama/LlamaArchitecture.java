package dev.tuneforge.llm.model.llama;

import dev.tuneforge.llm.config.ConfigJson;
import dev.tuneforge.llm.config.FamilyTraits;
import dev.tuneforge.llm.config.ModelType;
import dev.tuneforge.llm.model.Architecture;
import dev.tuneforge.llm.model.TensorNames;

/** Llama 2 and 3.x ({@code attention_bias}, {@code mlp_bias}, llama3 RoPE scaling). */
public final class LlamaArchitecture implements Architecture {

  /** HF module names of {@code LlamaForCausalLM} (transformers/models/llama/modeling_llama.py). */
  public static final TensorNames NAMES = TensorNames.llamaStyle(null, null);

  @Override
  public ModelType type() {
    return ModelType.LLAMA;
  }

  @Override
  public TensorNames names() {
    return NAMES;
  }

  /**
   * LlamaAttention: {@code attention_bias} applies to q, k, v and o; LlamaMLP: {@code mlp_bias}.
   */
  @Override
  public FamilyTraits traits(ConfigJson c) {
    boolean attentionBias = c.bool("attention_bias", false);
    return new FamilyTraits(attentionBias, attentionBias, c.bool("mlp_bias", false), false, null);
  }
}
