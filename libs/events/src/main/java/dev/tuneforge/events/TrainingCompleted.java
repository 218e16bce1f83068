package dev.tuneforge.events;

import java.util.Map;

/**
 * A job finished; its output (PEFT adapter or HF model folder) is complete at {@code outputUri}, an
 * artifact prefix whose manifest has the sha256 {@code outputSha256}. Carries the whole lineage the
 * evaluator and the registry need (base model and revision, dataset version, the resolved config),
 * so neither has to ask the trainer.
 *
 * @param validationUri the held-out records the run was validated on (JSONL, chat format), for the
 *     evaluator; null when the run had none
 * @param suite the regression suite the job names ({@code name} or {@code name@version}), or null
 * @param config the resolved training settings, with the names of {@code tuneforge train}'s YAML
 */
public record TrainingCompleted(
    String jobId,
    String team,
    String baseModel,
    @Nullable String baseRevision,
    String method,
    String outputUri,
    @Nullable String outputSha256,
    @Nullable String datasetName,
    @Nullable String datasetVersion,
    @Nullable String datasetSha256,
    @Nullable String validationUri,
    @Nullable String suite,
    @Nullable String suffix,
    Map<String, Object> config,
    long steps,
    long trainedTokens,
    double finalLoss,
    double wallTimeSeconds,
    Map<String, Double> metrics)
    implements Event {
  @Override
  public String key() {
    return jobId;
  }
}
