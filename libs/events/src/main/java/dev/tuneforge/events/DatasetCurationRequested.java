package dev.tuneforge.events;

import java.util.List;
import java.util.Map;

/**
 * A platform team asked, over Kafka, for uploaded files to be curated into a dataset version.
 * {@code team} owns the request: only that team's files are used, and the version belongs to it.
 */
public record DatasetCurationRequested(
    String requestId, String team, String name, List<String> fileIds, Map<String, Object> options)
    implements Event {
  @Override
  public String key() {
    return name;
  }
}
