package dev.tuneforge.events;

import java.util.Map;

/**
 * An adapter (or fully fine-tuned model) entered the registry as version {@code version} of {@code
 * name}, with its lineage: base model and revision, dataset version, job and resolved config.
 *
 * @param fineTunedModel the {@code ft:} id the model is served and listed under
 * @param uri the artifact prefix of the job's output ({@code s3://…/runs/<job>/adapter/})
 * @param sha256 the sha256 of the output's manifest
 */
public record AdapterRegistered(
    String team,
    String name,
    int version,
    String fineTunedModel,
    String jobId,
    String method,
    String uri,
    @Nullable String sha256,
    String baseModel,
    @Nullable String baseRevision,
    @Nullable String datasetName,
    @Nullable String datasetVersion,
    @Nullable String datasetSha256,
    Map<String, Double> metrics)
    implements Event {
  @Override
  public String key() {
    return AdapterKeys.of(team, name);
  }
}
