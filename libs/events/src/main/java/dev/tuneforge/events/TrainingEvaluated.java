package dev.tuneforge.events;

/**
 * A running job evaluated its validation set after optimizer step {@code step}: the mean
 * cross-entropy over every validation target token, as the job's metrics and result file show it.
 */
public record TrainingEvaluated(String jobId, long step, double validLoss) implements Event {
  @Override
  public String key() {
    return jobId;
  }
}
