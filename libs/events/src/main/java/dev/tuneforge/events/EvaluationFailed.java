package dev.tuneforge.events;

/** An evaluation could not be completed; {@code reason} says why. */
public record EvaluationFailed(String evaluationId, String jobId, String team, String reason)
    implements Event {
  @Override
  public String key() {
    return jobId;
  }
}
