package dev.tuneforge.events;

/** A job ended with an error; {@code reason} names the field, file or step that failed. */
public record TrainingFailed(String jobId, String reason, @Nullable Long step) implements Event {
  @Override
  public String key() {
    return jobId;
  }
}
