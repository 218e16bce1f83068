package dev.tuneforge.events;

import java.util.List;
import java.util.Map;

/**
 * A run was evaluated against its base; the full report (per-case table included) is stored at
 * {@code reportUri}. {@code metrics} and {@code baseMetrics} have the same keys (exact_match,
 * token_f1, rouge_l, validation_loss, perplexity, retention_loss, suite_pass_rate); {@code deltas}
 * is tuned minus base per key; {@code reasons} names every gate condition that failed (empty when
 * {@code passed}).
 */
public record EvaluationCompleted(
    String evaluationId,
    String jobId,
    String team,
    String outputUri,
    @Nullable String suite,
    Map<String, Double> metrics,
    Map<String, Double> baseMetrics,
    Map<String, Double> deltas,
    boolean passed,
    List<String> reasons,
    String reportUri)
    implements Event {
  @Override
  public String key() {
    return jobId;
  }
}
