package dev.tuneforge.llm.model.qwen2;

import dev.tuneforge.llm.config.ConfigJson;
import dev.tuneforge.llm.config.FamilyTraits;
import dev.tuneforge.llm.config.ModelType;
import dev.tuneforge.llm.model.Architecture;
import dev.tuneforge.llm.model.TensorNames;

/** Qwen2 / Qwen2.5: q, k and v projections always carry a bias, o does not. */
public final class Qwen2Architecture implements Architecture {

  /** HF module names of {@code Qwen2ForCausalLM} (transformers/models/qwen2/modeling_qwen2.py). */
  public static final TensorNames NAMES = TensorNames.llamaStyle(null, null);

  @Override
  public ModelType type() {
    return ModelType.QWEN2;
  }

  @Override
  public TensorNames names() {
    return NAMES;
  }

  /**
   * Qwen2Attention: q/k/v always biased, o never. Qwen2 slides only when {@code use_sliding_window}
   * is set, and then only on some layers, which this engine does not compute: refused.
   */
  @Override
  public FamilyTraits traits(ConfigJson c) {
    if (c.bool("use_sliding_window", false)) {
      throw new IllegalArgumentException(
          "use_sliding_window=true is not supported for model_type qwen2");
    }
    return new FamilyTraits(true, false, false, false, null);
  }
}
