package dev.tuneforge.events;

/**
 * An evaluation could not be completed; {@code reason} says why.
 *
 * @param jobId the run evaluated; null only for an on-demand evaluation of a base model
 * @param trigger as in {@link EvaluationCompleted#trigger()}
 */
public record EvaluationFailed(
    String evaluationId,
    @Nullable String jobId,
    String team,
    String reason,
    @Nullable String trigger)
    implements Event {

  /** The automatic evaluation of run {@code jobId} failed. */
  public EvaluationFailed(String evaluationId, String jobId, String team, String reason) {
    this(evaluationId, jobId, team, reason, EvaluationTrigger.TRAINING_COMPLETED);
  }

  public boolean onDemand() {
    return EvaluationTrigger.isOnDemand(trigger);
  }

  @Override
  public String key() {
    return onDemand() || jobId == null ? evaluationId : jobId;
  }
}
