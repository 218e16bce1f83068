package dev.tuneforge.evaluator.metrics;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * One model's figures under fixed keys, the same for the tuned model and its base so reports put
 * them side by side. A key is absent when its input was (no validation split, no retention corpus,
 * no suite).
 *
 * <ul>
 *   <li>{@value #EXACT_MATCH}: share of validation completions equal to the reference after
 *       trimming surrounding whitespace ({@code llm.eval.ExactMatch#matches}; case and punctuation
 *       count).
 *   <li>{@value #TOKEN_F1}: mean SQuAD token F1 ({@link TokenF1}).
 *   <li>{@value #ROUGE_L}: mean ROUGE-L F-measure ({@link RougeL}).
 *   <li>{@value #VALIDATION_LOSS}, {@value #PERPLEXITY}: token-weighted mean NLL of the reference
 *       assistant turns, and its exp ({@link Nll}).
 *   <li>{@value #RETENTION_LOSS}: token-weighted mean NLL on the retention corpus (forgetting).
 *   <li>{@value #SUITE_PASS_RATE}: share of regression-suite cases passed.
 *   <li>{@value #MEAN_GENERATED_TOKENS}: mean number of tokens generated per validation prompt.
 * </ul>
 */
public record Metrics(@JsonValue Map<String, Double> values) {
  public static final String EXACT_MATCH = "exact_match";
  public static final String TOKEN_F1 = "token_f1";
  public static final String ROUGE_L = "rouge_l";
  public static final String VALIDATION_LOSS = "validation_loss";
  public static final String PERPLEXITY = "perplexity";
  public static final String RETENTION_LOSS = "retention_loss";
  public static final String SUITE_PASS_RATE = "suite_pass_rate";
  public static final String MEAN_GENERATED_TOKENS = "mean_generated_tokens";

  /** Every key, in report order. */
  public static final List<String> KEYS =
      List.of(
          EXACT_MATCH,
          TOKEN_F1,
          ROUGE_L,
          VALIDATION_LOSS,
          PERPLEXITY,
          RETENTION_LOSS,
          SUITE_PASS_RATE,
          MEAN_GENERATED_TOKENS);

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public Metrics {
    Map<String, Double> ordered = new LinkedHashMap<>();
    for (String key : KEYS) {
      Double v = values.get(key);
      if (v != null) {
        ordered.put(key, v);
      }
    }
    for (String key : values.keySet()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("unknown metric '" + key + "'; known: " + KEYS);
      }
    }
    values = Collections.unmodifiableMap(ordered);
  }

  public OptionalDouble get(String key) {
    Double v = values.get(key);
    return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
  }

  /** {@code this − base} for every key both have. */
  public Metrics minus(Metrics base) {
    Map<String, Double> d = new LinkedHashMap<>();
    values.forEach(
        (k, v) -> {
          Double b = base.values.get(k);
          if (b != null) {
            d.put(k, v - b);
          }
        });
    return new Metrics(d);
  }
}
