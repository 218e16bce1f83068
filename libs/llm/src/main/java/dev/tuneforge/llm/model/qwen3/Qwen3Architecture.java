package dev.tuneforge.llm.model.qwen3;

import dev.tuneforge.llm.config.ConfigJson;
import dev.tuneforge.llm.config.FamilyTraits;
import dev.tuneforge.llm.config.ModelType;
import dev.tuneforge.llm.model.Architecture;
import dev.tuneforge.llm.model.TensorNames;

/**
 * Qwen3: per-head RMSNorm ({@code q_norm}, {@code k_norm} over {@code head_dim}) on queries and
 * keys before RoPE; {@code head_dim} is explicit and may differ from hidden / heads.
 */
public final class Qwen3Architecture implements Architecture {

  /** HF module names of {@code Qwen3ForCausalLM} (transformers/models/qwen3/modeling_qwen3.py). */
  public static final TensorNames NAMES =
      TensorNames.llamaStyle("self_attn.q_norm", "self_attn.k_norm");

  @Override
  public ModelType type() {
    return ModelType.QWEN3;
  }

  @Override
  public TensorNames names() {
    return NAMES;
  }

  /**
   * Qwen3Attention: {@code attention_bias} applies to q, k, v and o; q_norm/k_norm always. Like
   * Qwen2, {@code use_sliding_window} (some layers only) is refused.
   */
  @Override
  public FamilyTraits traits(ConfigJson c) {
    if (c.bool("use_sliding_window", false)) {
      throw new IllegalArgumentException(
          "use_sliding_window=true is not supported for model_type qwen3");
    }
    boolean attentionBias = c.bool("attention_bias", false);
    return new FamilyTraits(attentionBias, attentionBias, false, true, null);
  }
}
