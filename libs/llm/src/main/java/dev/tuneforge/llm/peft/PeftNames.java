package dev.tuneforge.llm.peft;

/**
 * PEFT's tensor names in {@code adapter_model.safetensors}: the module's HF name under the {@code
 * PeftModelForCausalLM} prefix, without the adapter name, e.g. {@code
 * base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight}.
 */
public final class PeftNames {
  public static final String PREFIX = "base_model.model.";
  public static final String A_SUFFIX = ".lora_A.weight";
  public static final String B_SUFFIX = ".lora_B.weight";

  private PeftNames() {}

  /** {@code lora_A} {@code [r, in]} of an HF module. */
  public static String loraA(String module) {
    return PREFIX + module + A_SUFFIX;
  }

  /** {@code lora_B} {@code [out, r]} of an HF module. */
  public static String loraB(String module) {
    return PREFIX + module + B_SUFFIX;
  }

  /**
   * The HF module of a PEFT {@code lora_A}/{@code lora_B} tensor name, or null for any other name.
   */
  public static String module(String tensorName) {
    if (!tensorName.startsWith(PREFIX)) {
      return null;
    }
    for (String suffix : new String[] {A_SUFFIX, B_SUFFIX}) {
      if (tensorName.endsWith(suffix) && tensorName.length() > PREFIX.length() + suffix.length()) {
        return tensorName.substring(PREFIX.length(), tensorName.length() - suffix.length());
      }
    }
    return null;
  }
}
