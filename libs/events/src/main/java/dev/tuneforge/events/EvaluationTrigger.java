package dev.tuneforge.events;

/**
 * What started an evaluation, as {@code EvaluationCompleted.trigger} / {@code
 * EvaluationFailed.trigger} name it. Only an automatic evaluation of a finished run speaks for that
 * run (the registry stages a version by it); an evaluation someone asked for is information only.
 */
public final class EvaluationTrigger {
  /** The automatic evaluation of a run, started by its {@code TrainingCompleted}. */
  public static final String TRAINING_COMPLETED = "training_completed";

  /** {@code POST /v1/evaluations}: any model or adapter, on request. */
  public static final String ON_DEMAND = "on_demand";

  private EvaluationTrigger() {}

  /**
   * Whether {@code trigger} names an on-demand evaluation (null: a record from before triggers).
   */
  public static boolean isOnDemand(String trigger) {
    return ON_DEMAND.equals(trigger);
  }
}
