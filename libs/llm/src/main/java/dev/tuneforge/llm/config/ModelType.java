package dev.tuneforge.llm.config;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The HF {@code model_type} values the engine can run; each maps to a package under {@code model}. */
public enum ModelType {
  LLAMA("llama"),
  MISTRAL("mistral"),
  QWEN2("qwen2"),
  QWEN3("qwen3");

  private final String hfName;

  ModelType(String hfName) {
    this.hfName = hfName;
  }

  /** The value of {@code model_type} in {@code config.json}. */
  public String hfName() {
    return hfName;
  }

  public static ModelType fromHfName(String name) {
    for (ModelType t : values()) {
      if (t.hfName.equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unsupported model_type " + name + " (supported: " + supportedNames() + ")");
  }

  public static String supportedNames() {
    return Arrays.stream(values()).map(ModelType::hfName).collect(Collectors.joining(", "));
  }
}
