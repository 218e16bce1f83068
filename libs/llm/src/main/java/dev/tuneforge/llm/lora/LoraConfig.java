package dev.tuneforge.llm.lora;

import java.util.List;
import java.util.Objects;

/**
 * The LoRA hyper-parameters of a run or an adapter, named as PEFT names them.
 *
 * @param r rank of the update {@code B·A}; higher fits more but costs memory and compute
 * @param alpha scaling numerator: the update is multiplied by {@code alpha/r} ({@code alpha/√r}
 *     with rsLoRA)
 * @param dropout probability of zeroing an input of the LoRA branch in training, {@code [0, 1)}
 * @param targetModules module names ({@code q_proj}, {@code mlp.down_proj}, or a full name such as
 *     {@code model.layers.0.self_attn.q_proj}), matched as PEFT does: equal to the module name or
 *     its last dot-separated components; or the single entry {@value #ALL_LINEAR} = every linear
 *     layer except the output head
 * @param useRslora scale by {@code alpha/√r} (rank-stabilised LoRA) instead of {@code alpha/r}
 * @param seed seeds the initialisation of A and the dropout masks
 */
public record LoraConfig(
    int r, double alpha, double dropout, List<String> targetModules, boolean useRslora, long seed) {

  public static final String ALL_LINEAR = "all-linear";

  /** The output head's module name; {@value #ALL_LINEAR} leaves it out, as PEFT does. */
  public static final String LM_HEAD = "lm_head";

  public LoraConfig {
    if (r <= 0) {
      throw new IllegalArgumentException("r must be a positive integer, got " + r);
    }
    if (!(alpha > 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("lora_alpha must be a positive number, got " + alpha);
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("lora_dropout must be in [0, 1), got " + dropout);
    }
    Objects.requireNonNull(targetModules, "target_modules must be given");
    if (targetModules.isEmpty()) {
      throw new IllegalArgumentException("target_modules must name at least one module");
    }
    for (String t : targetModules) {
      if (t == null || t.isBlank() || t.startsWith(".") || t.endsWith(".")) {
        throw new IllegalArgumentException(
            "target_modules has an invalid module name: '" + t + "'");
      }
    }
    if (targetModules.contains(ALL_LINEAR) && targetModules.size() > 1) {
      throw new IllegalArgumentException(
          "target_modules: '" + ALL_LINEAR + "' must be the only entry, got " + targetModules);
    }
    targetModules = List.copyOf(targetModules);
  }

  /** A config with PEFT's defaults for what is not given: no dropout, alpha/r scaling, seed 0. */
  public static LoraConfig of(int r, double alpha, List<String> targetModules) {
    return new LoraConfig(r, alpha, 0.0, targetModules, false, 0L);
  }

  /** The factor on {@code B·A}: {@code alpha/r}, or {@code alpha/√r} with rsLoRA. */
  public double scale() {
    return useRslora ? alpha / Math.sqrt(r) : alpha / r;
  }

  /**
   * The {@code target_modules} entries that match none of {@code moduleNames} (the model's linear
   * layers), in order; empty for {@value #ALL_LINEAR}. A typo such as {@code q_prj} would otherwise
   * train nothing on that module without a word.
   */
  public List<String> unmatchedTargets(java.util.Collection<String> moduleNames) {
    if (targetModules.get(0).equals(ALL_LINEAR)) {
      return List.of();
    }
    return targetModules.stream()
        .filter(t -> moduleNames.stream().noneMatch(m -> m.equals(t) || m.endsWith("." + t)))
        .toList();
  }

  /**
   * Throws naming the {@code target_modules} entries that match no linear layer; {@code where}
   * names the setting.
   */
  public void requireTargetsMatch(java.util.Collection<String> moduleNames, String where) {
    List<String> unmatched = unmatchedTargets(moduleNames);
    if (!unmatched.isEmpty()) {
      java.util.Set<String> shortNames = new java.util.TreeSet<>();
      moduleNames.forEach(m -> shortNames.add(m.substring(m.lastIndexOf('.') + 1)));
      throw new IllegalArgumentException(
          where
              + ": "
              + unmatched.stream()
                  .map(t -> "'" + t + "'")
                  .collect(java.util.stream.Collectors.joining(", "))
              + (unmatched.size() == 1 ? " matches" : " match")
              + " no linear layer of the model (its linear layers end in "
              + String.join(", ", shortNames)
              + ")");
    }
  }

  /** Whether the linear layer {@code moduleName} (full HF name) gets a LoRA branch. */
  public boolean targets(String moduleName) {
    if (targetModules.get(0).equals(ALL_LINEAR)) {
      return !moduleName.equals(LM_HEAD) && !moduleName.endsWith("." + LM_HEAD);
    }
    for (String t : targetModules) {
      if (moduleName.equals(t) || moduleName.endsWith("." + t)) {
        return true;
      }
    }
    return false;
  }
}
