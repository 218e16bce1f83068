package dev.tuneforge.llm.model.mistral;

import dev.tuneforge.llm.config.ConfigJson;
import dev.tuneforge.llm.config.FamilyTraits;
import dev.tuneforge.llm.config.ModelConfig;
import dev.tuneforge.llm.config.ModelType;
import dev.tuneforge.llm.model.Architecture;
import dev.tuneforge.llm.model.TensorNames;

/** Mistral: Llama's layout without biases, optional sliding-window attention. */
public final class MistralArchitecture implements Architecture {

  /**
   * HF module names of {@code MistralForCausalLM}
   * (transformers/models/mistral/modeling_mistral.py).
   */
  public static final TensorNames NAMES = TensorNames.llamaStyle(null, null);

  @Override
  public ModelType type() {
    return ModelType.MISTRAL;
  }

  @Override
  public TensorNames names() {
    return NAMES;
  }

  /**
   * MistralAttention: no biases; every layer slides over {@code sliding_window} tokens when set.
   */
  @Override
  public FamilyTraits traits(ConfigJson c) {
    return new FamilyTraits(
        false,
        false,
        false,
        false,
        c.optionalInteger("sliding_window", 1, ModelConfig.MAX_POSITIONS));
  }
}
