package dev.tuneforge.llm.model;

/**
 * The HF module names of a decoder-only family. Each architecture package declares its own table;
 * tensor names are {@code module + ".weight"} / {@code ".bias"}, layer modules are prefixed with
 * {@code String.format(layer, index)}.
 *
 * @param embed token embedding, {@code [V, D]}
 * @param layer prefix format of layer {@code N}, e.g. {@code model.layers.%d.}
 * @param q query projection, {@code [H*d, D]}
 * @param k key projection, {@code [KV*d, D]}
 * @param v value projection, {@code [KV*d, D]}
 * @param o output projection, {@code [D, H*d]}
 * @param qNorm per-head query norm {@code [d]}, or null when the family has none
 * @param kNorm per-head key norm {@code [d]}, or null
 * @param inputNorm norm before attention, {@code [D]}
 * @param postAttentionNorm norm before the MLP, {@code [D]}
 * @param gate MLP gate projection, {@code [I, D]}
 * @param up MLP up projection, {@code [I, D]}
 * @param down MLP down projection, {@code [D, I]}
 * @param finalNorm final norm, {@code [D]}
 * @param lmHead output head {@code [V, D]} (absent when tied to {@code embed})
 */
public record TensorNames(
    String embed,
    String layer,
    String q,
    String k,
    String v,
    String o,
    String qNorm,
    String kNorm,
    String inputNorm,
    String postAttentionNorm,
    String gate,
    String up,
    String down,
    String finalNorm,
    String lmHead) {

  /**
   * The module names of HF's Llama-style decoders ({@code LlamaForCausalLM}, and the same names in
   * {@code MistralForCausalLM}, {@code Qwen2ForCausalLM}, {@code Qwen3ForCausalLM}); {@code qNorm}
   * and {@code kNorm} are the Qwen3 per-head norms, or null for families without them.
   */
  public static TensorNames llamaStyle(String qNorm, String kNorm) {
    return new TensorNames(
        "model.embed_tokens",
        "model.layers.%d.",
        "self_attn.q_proj",
        "self_attn.k_proj",
        "self_attn.v_proj",
        "self_attn.o_proj",
        qNorm,
        kNorm,
        "input_layernorm",
        "post_attention_layernorm",
        "mlp.gate_proj",
        "mlp.up_proj",
        "mlp.down_proj",
        "model.norm",
        "lm_head");
  }

  public String inLayer(int index, String module) {
    return String.format(layer, index) + module;
  }
}
