package dev.tuneforge.events;

/**
 * A job's worker noted something a user should see in the job's events that is neither progress nor
 * an end: the validation set was held out from the training data, the engine resumed, early
 * stopping.
 *
 * @param level {@code info} or {@code warn}
 */
public record TrainingNoted(String jobId, String level, String message) implements Event {
  @Override
  public String key() {
    return jobId;
  }
}
