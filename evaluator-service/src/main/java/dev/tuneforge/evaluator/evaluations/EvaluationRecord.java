package dev.tuneforge.evaluator.evaluations;

import dev.tuneforge.events.EvaluationCompleted;
import dev.tuneforge.events.EvaluationFailed;
import dev.tuneforge.events.EvaluationRequested;
import dev.tuneforge.events.EvaluationTrigger;
import java.time.Instant;

/**
 * One evaluation as the ledger knows it: requested (on demand only) and not finished yet, or with
 * exactly one of {@code completed} and {@code failed}.
 *
 * @param jobId the run evaluated; null for an on-demand evaluation of a base model
 * @param trigger {@link EvaluationTrigger}
 * @param requested the on-demand request; null for an automatic evaluation
 * @param running whether this replica is evaluating it now (not a fact on the topic)
 */
public record EvaluationRecord(
    String id,
    String jobId,
    String team,
    Instant createdAt,
    String trigger,
    EvaluationRequested requested,
    EvaluationCompleted completed,
    EvaluationFailed failed,
    boolean running) {

  public boolean done() {
    return completed != null || failed != null;
  }

  public boolean onDemand() {
    return EvaluationTrigger.isOnDemand(trigger);
  }

  /** {@code queued} → {@code running} → {@code succeeded} or {@code failed}. */
  public String status() {
    if (completed != null) {
      return "succeeded";
    }
    if (failed != null) {
      return "failed";
    }
    return running ? "running" : "queued";
  }

  EvaluationRecord withRunning(boolean now) {
    return now == running || done()
        ? this
        : new EvaluationRecord(
            id, jobId, team, createdAt, trigger, requested, completed, failed, now);
  }
}
