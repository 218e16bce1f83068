package dev.tuneforge.llm.export.gguf;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hugging Face tensor names of the Llama-style decoders (Llama, Mistral, Qwen2, Qwen3) → GGUF's
 * standard names (ggml {@code docs/gguf.md}, "Standardized tensor names"; llama.cpp's {@code
 * gguf-py/gguf/tensor_mapping.py}), as an explicit table.
 */
public final class GgufNames {
  /** Tensors outside the decoder layers. */
  static final Map<String, String> GLOBAL =
      Map.of(
          "model.embed_tokens.weight", "token_embd.weight",
          "model.norm.weight", "output_norm.weight",
          "lm_head.weight", "output.weight");

  /** Modules inside {@code model.layers.N.}, mapped to the part after {@code blk.N.}. */
  static final Map<String, String> LAYER =
      Map.ofEntries(
          Map.entry("input_layernorm", "attn_norm"),
          Map.entry("self_attn.q_proj", "attn_q"),
          Map.entry("self_attn.k_proj", "attn_k"),
          Map.entry("self_attn.v_proj", "attn_v"),
          Map.entry("self_attn.o_proj", "attn_output"),
          Map.entry("self_attn.q_norm", "attn_q_norm"),
          Map.entry("self_attn.k_norm", "attn_k_norm"),
          Map.entry("post_attention_layernorm", "ffn_norm"),
          Map.entry("mlp.gate_proj", "ffn_gate"),
          Map.entry("mlp.up_proj", "ffn_up"),
          Map.entry("mlp.down_proj", "ffn_down"));

  private static final Pattern LAYER_NAME =
      Pattern.compile("model\\.layers\\.(\\d+)\\.(.+)\\.(weight|bias)");

  private GgufNames() {}

  /**
   * The GGUF name of an HF tensor, e.g. {@code model.layers.3.mlp.up_proj.weight →
   * blk.3.ffn_up.weight}.
   */
  public static String of(String hfName) {
    String global = GLOBAL.get(hfName);
    if (global != null) {
      return global;
    }
    Matcher m = LAYER_NAME.matcher(hfName);
    if (m.matches() && LAYER.containsKey(m.group(2))) {
      return "blk." + m.group(1) + "." + LAYER.get(m.group(2)) + "." + m.group(3);
    }
    throw new IllegalArgumentException(
        "tensor " + hfName + " has no GGUF name (not part of a Llama-style decoder)");
  }

  /**
   * Whether an HF tensor is a query or key projection (weight or bias), which llama needs permuted.
   */
  static boolean isQuery(String hfName) {
    return hfName.contains(".self_attn.q_proj.");
  }

  static boolean isKey(String hfName) {
    return hfName.contains(".self_attn.k_proj.");
  }
}
