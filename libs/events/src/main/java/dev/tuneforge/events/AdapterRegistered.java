package dev.tuneforge.events;

import java.util.Map;

/**
 * An adapter version entered the registry with its lineage (base model, dataset, job) and metrics.
 */
public record AdapterRegistered(
    String name,
    int version,
    String jobId,
    String uri,
    String baseModel,
    String datasetName,
    String datasetVersion,
    Map<String, Double> metrics)
    implements Event {
  @Override
  public String key() {
    return name;
  }
}
