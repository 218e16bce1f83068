package dev.tuneforge.events;

/**
 * Someone asked for an on-demand evaluation ({@code POST /v1/evaluations}); what it evaluates was
 * resolved and checked when it was asked, so a later alias move or suite version does not change
 * it. The evaluator's consumer runs it and answers with {@code EvaluationCompleted} or {@code
 * EvaluationFailed} (trigger {@code on_demand}) under the same evaluation id.
 *
 * @param model what the request named (a base model, an {@code ft:} id, {@code name@alias})
 * @param jobId the run whose output is evaluated; null for a base model
 * @param baseModelUri the base model's artifact
 * @param outputUri the run's output (adapter or full model); null for a base model
 * @param suite the suite as {@code name@version}; null when only a dataset is evaluated
 * @param dataset the dataset as {@code name@version}; null when only a suite is evaluated
 * @param datasetUri the dataset version's artifact; null without a dataset
 */
public record EvaluationRequested(
    String evaluationId,
    String team,
    String model,
    @Nullable String jobId,
    String baseModelUri,
    @Nullable String outputUri,
    @Nullable String suite,
    @Nullable String dataset,
    @Nullable String datasetUri)
    implements Event {
  @Override
  public String key() {
    return evaluationId;
  }
}
