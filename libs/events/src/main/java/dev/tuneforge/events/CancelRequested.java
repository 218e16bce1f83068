package dev.tuneforge.events;

/** A client asked for a job to be cancelled. */
public record CancelRequested(String jobId, @Nullable String requestedBy) implements Event {
  @Override
  public String key() {
    return jobId;
  }
}
