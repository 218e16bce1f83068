package dev.tuneforge.events;

import java.util.List;
import java.util.Map;

/** A platform team asked, over Kafka, for uploaded files to be curated into a dataset version. */
public record DatasetCurationRequested(
    String requestId, String name, List<String> fileIds, Map<String, Object> options) implements Event {
  @Override
  public String key() {
    return name;
  }
}
