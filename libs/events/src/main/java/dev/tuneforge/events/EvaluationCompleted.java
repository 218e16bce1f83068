package dev.tuneforge.events;

import java.util.Map;

/** A run was evaluated (base vs. tuned); the full report is stored at {@code reportUri}. */
public record EvaluationCompleted(
    String evaluationId,
    String jobId,
    String outputUri,
    Map<String, Double> metrics,
    String reportUri,
    boolean passed)
    implements Event {
  @Override
  public String key() {
    return jobId;
  }
}
