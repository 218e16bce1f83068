package dev.tuneforge.evaluator.gate;

/**
 * One failed gate condition.
 *
 * @param condition the {@link GatePolicy} field that failed ({@code min_exact_match}, {@code
 *     max_retention_loss_increase}, {@code no_regressions}, ...)
 * @param caseId the suite case it concerns, or null for a whole-run condition
 * @param message the figures, in words
 */
public record GateReason(String condition, String caseId, String message) {
  /** One line for an event or a log: {@code condition[case]: message}. */
  public String summary() {
    return condition + (caseId == null ? "" : "[" + caseId + "]") + ": " + message;
  }
}
