package dev.tuneforge.events;

import java.util.List;
import java.util.Map;

/**
 * The current record of one registered version, on the registry's compacted topic (the latest
 * record per key is the state): what a reader outside the registry (a serving endpoint resolving
 * {@code name@alias}) needs without replaying the registry's log. Written after every change the
 * registry decided.
 *
 * @param evaluationPassed null while no evaluation arrived
 */
public record AdapterVersionRecorded(
    String team,
    String name,
    int version,
    String fineTunedModel,
    String stage,
    List<String> aliases,
    String jobId,
    String uri,
    String baseModel,
    @Nullable String baseRevision,
    @Nullable String datasetName,
    @Nullable String datasetVersion,
    Map<String, Double> metrics,
    @Nullable Boolean evaluationPassed,
    @Nullable String reportUri)
    implements Event {
  @Override
  public String key() {
    return AdapterKeys.of(team, name) + "/v" + version;
  }
}
