package dev.tuneforge.evaluator.evaluations;

import dev.tuneforge.events.EvaluationCompleted;
import dev.tuneforge.events.EvaluationFailed;
import java.time.Instant;

/** One evaluation as the ledger knows it: exactly one of {@code completed} and {@code failed}. */
public record EvaluationRecord(
    String id,
    String jobId,
    String team,
    Instant createdAt,
    EvaluationCompleted completed,
    EvaluationFailed failed) {

  public String status() {
    return completed != null ? "completed" : "failed";
  }
}
