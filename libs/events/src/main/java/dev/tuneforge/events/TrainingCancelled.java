package dev.tuneforge.events;

/** A job stopped because a cancel was requested; {@code step} is where it stopped, if it ran. */
public record TrainingCancelled(String jobId, @Nullable Long step, @Nullable String reason)
    implements Event {
  @Override
  public String key() {
    return jobId;
  }
}
