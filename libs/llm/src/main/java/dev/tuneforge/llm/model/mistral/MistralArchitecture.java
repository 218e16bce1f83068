package dev.tuneforge.llm.model.mistral;

import dev.tuneforge.llm.config.ModelType;
import dev.tuneforge.llm.model.Architecture;
import dev.tuneforge.llm.model.TensorNames;

/** Mistral: Llama's layout without biases, optional sliding-window attention. */
public final class MistralArchitecture implements Architecture {

  /** HF module names of {@code MistralForCausalLM} (transformers/models/mistral/modeling_mistral.py). */
  public static final TensorNames NAMES = TensorNames.llamaStyle(null, null);

  @Override
  public ModelType type() {
    return ModelType.MISTRAL;
  }

  @Override
  public TensorNames names() {
    return NAMES;
  }
}
