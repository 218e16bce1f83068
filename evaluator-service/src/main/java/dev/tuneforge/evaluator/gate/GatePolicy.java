package dev.tuneforge.evaluator.gate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneforge.evaluator.Parsed;
import dev.tuneforge.platform.api.FieldError;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The conditions a tuned model must meet, each optional (null = not checked). A suite may carry
 * some ({@code gate:} in its file) and a job may set others; {@link #overriddenBy} layers them:
 * {@code DEFAULTS ← suite ← job}, the later one winning per field.
 *
 * @param minExactMatch exact_match of the tuned model at least this (0..1)
 * @param minTokenF1 token_f1 at least this (0..1)
 * @param minRougeL rouge_l at least this (0..1)
 * @param validationLossBelowBase the tuned model's validation loss strictly below the base's
 * @param maxRetentionLossIncrease retention_loss (tuned − base, nats) at most this: the forgetting
 *     check; 0.1 nats is about 10% higher perplexity on general text
 * @param minSuitePassRate share of suite cases the tuned model passes at least this (0..1)
 * @param noRegressions no suite case that passed on the base may fail on the tuned model
 */
public record GatePolicy(
    Double minExactMatch,
    Double minTokenF1,
    Double minRougeL,
    Boolean validationLossBelowBase,
    Double maxRetentionLossIncrease,
    Double minSuitePassRate,
    Boolean noRegressions) {

  public static final GatePolicy NONE = new GatePolicy(null, null, null, null, null, null, null);

  /** What every evaluation checks unless a suite or job says otherwise. */
  public static final GatePolicy DEFAULTS = new GatePolicy(null, null, null, true, 0.1, 1.0, true);

  private static final Map<String, String> FIELDS =
      Map.of(
          "min_exact_match",
          "rate",
          "min_token_f1",
          "rate",
          "min_rouge_l",
          "rate",
          "validation_loss_below_base",
          "boolean",
          "max_retention_loss_increase",
          "number",
          "min_suite_pass_rate",
          "rate",
          "no_regressions",
          "boolean");

  /** Each field of {@code later} that is set replaces this one's. */
  public GatePolicy overriddenBy(GatePolicy later) {
    return new GatePolicy(
        pick(later.minExactMatch, minExactMatch),
        pick(later.minTokenF1, minTokenF1),
        pick(later.minRougeL, minRougeL),
        pick(later.validationLossBelowBase, validationLossBelowBase),
        pick(later.maxRetentionLossIncrease, maxRetentionLossIncrease),
        pick(later.minSuitePassRate, minSuitePassRate),
        pick(later.noRegressions, noRegressions));
  }

  private static <T> T pick(T later, T earlier) {
    return later != null ? later : earlier;
  }

  /**
   * Reads {@code {min_exact_match: 0.5, validation_loss_below_base: true, ...}}; errors are named
   * {@code <at>.<field>}. A null or missing node is {@link #NONE}.
   */
  public static Parsed<GatePolicy> parse(JsonNode node, String at) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return Parsed.ok(NONE);
    }
    List<FieldError> errors = new ArrayList<>();
    if (!node.isObject()) {
      return Parsed.failed(
          List.of(
              new FieldError(
                  at,
                  "must be an object of thresholds; fields: "
                      + FIELDS.keySet().stream().sorted().toList())));
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.containsKey(f)) {
        errors.add(
            new FieldError(
                at + "." + f,
                "unknown gate condition; known: " + FIELDS.keySet().stream().sorted().toList()));
      }
    }
    GatePolicy p =
        new GatePolicy(
            rate(node, "min_exact_match", at, errors),
            rate(node, "min_token_f1", at, errors),
            rate(node, "min_rouge_l", at, errors),
            bool(node, "validation_loss_below_base", at, errors),
            number(node, "max_retention_loss_increase", at, errors),
            rate(node, "min_suite_pass_rate", at, errors),
            bool(node, "no_regressions", at, errors));
    return errors.isEmpty() ? Parsed.ok(p) : Parsed.failed(errors);
  }

  private static Double number(JsonNode node, String f, String at, List<FieldError> errors) {
    JsonNode v = node.get(f);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
      errors.add(new FieldError(at + "." + f, "must be a number, got " + v));
      return null;
    }
    return v.asDouble();
  }

  private static Double rate(JsonNode node, String f, String at, List<FieldError> errors) {
    Double d = number(node, f, at, errors);
    if (d != null && (d < 0 || d > 1)) {
      errors.add(new FieldError(at + "." + f, "must be between 0 and 1, got " + d));
      return null;
    }
    return d;
  }

  private static Boolean bool(JsonNode node, String f, String at, List<FieldError> errors) {
    JsonNode v = node.get(f);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isBoolean()) {
      errors.add(new FieldError(at + "." + f, "must be true or false, got " + v));
      return null;
    }
    return v.asBoolean();
  }
}
