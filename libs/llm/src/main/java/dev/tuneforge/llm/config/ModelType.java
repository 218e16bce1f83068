package dev.tuneforge.llm.config;

import dev.tuneforge.llm.model.Architecture;
import dev.tuneforge.llm.model.llama.LlamaArchitecture;
import dev.tuneforge.llm.model.mistral.MistralArchitecture;
import dev.tuneforge.llm.model.qwen2.Qwen2Architecture;
import dev.tuneforge.llm.model.qwen3.Qwen3Architecture;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The registry of model families: HF {@code model_type} → the family's package, which holds its
 * config rules ({@link FamilyRules}), tensor names and {@link Architecture}. Nothing else in the
 * engine switches on the family, so a new family is one package plus one line here.
 */
public enum ModelType {
  LLAMA("llama", new LlamaArchitecture()),
  MISTRAL("mistral", new MistralArchitecture()),
  QWEN2("qwen2", new Qwen2Architecture()),
  QWEN3("qwen3", new Qwen3Architecture());

  private final String hfName;
  private final Architecture architecture;

  ModelType(String hfName, Architecture architecture) {
    this.hfName = hfName;
    this.architecture = architecture;
  }

  /** The value of {@code model_type} in {@code config.json}. */
  public String hfName() {
    return hfName;
  }

  /** The family's config rules, tensor names and expected tensors. */
  public Architecture architecture() {
    return architecture;
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
