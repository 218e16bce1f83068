package dev.tuneforge.events;

/**
 * A worker took ownership of a job; {@code resumedFromStep} is set when it continues a checkpoint.
 */
public record TrainingStarted(
    String jobId, String workerId, int attempt, @Nullable Long resumedFromStep, long totalSteps)
    implements Event {
  @Override
  public String key() {
    return jobId;
  }
}
