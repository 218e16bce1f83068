package dev.tuneforge.events;

import java.util.List;
import java.util.Map;

/**
 * A model was evaluated against its base; the full report (per-case table included) is stored at
 * {@code reportUri}. {@code metrics} and {@code baseMetrics} have the same keys (exact_match,
 * token_f1, rouge_l, validation_loss, perplexity, retention_loss, suite_pass_rate); {@code deltas}
 * is tuned minus base per key; {@code reasons} names every gate condition that failed (empty when
 * {@code passed}).
 *
 * @param jobId the run evaluated; null only for an on-demand evaluation of a base model
 * @param outputUri the evaluated run's output (adapter or model), or the base model evaluated
 * @param trigger {@link EvaluationTrigger}: {@code training_completed} (also when absent, as in
 *     records written before the field existed) or {@code on_demand}, which never changes a
 *     registered version's stage
 */
public record EvaluationCompleted(
    String evaluationId,
    @Nullable String jobId,
    String team,
    String outputUri,
    @Nullable String suite,
    Map<String, Double> metrics,
    Map<String, Double> baseMetrics,
    Map<String, Double> deltas,
    boolean passed,
    List<String> reasons,
    String reportUri,
    @Nullable String trigger)
    implements Event {

  /** The automatic evaluation of run {@code jobId}. */
  public EvaluationCompleted(
      String evaluationId,
      String jobId,
      String team,
      String outputUri,
      String suite,
      Map<String, Double> metrics,
      Map<String, Double> baseMetrics,
      Map<String, Double> deltas,
      boolean passed,
      List<String> reasons,
      String reportUri) {
    this(
        evaluationId,
        jobId,
        team,
        outputUri,
        suite,
        metrics,
        baseMetrics,
        deltas,
        passed,
        reasons,
        reportUri,
        EvaluationTrigger.TRAINING_COMPLETED);
  }

  public boolean onDemand() {
    return EvaluationTrigger.isOnDemand(trigger);
  }

  /** A run's automatic evaluation by its job; an on-demand one by itself (as its request). */
  @Override
  public String key() {
    return onDemand() || jobId == null ? evaluationId : jobId;
  }
}
