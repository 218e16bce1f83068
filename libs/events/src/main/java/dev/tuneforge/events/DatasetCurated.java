package dev.tuneforge.events;

import java.util.List;

/**
 * A dataset version of {@code team} was curated and stored completely (manifest written) at {@code
 * uri}.
 */
public record DatasetCurated(
    String team,
    String name,
    String version,
    String sha256,
    long trainCount,
    long validationCount,
    long droppedCount,
    String uri,
    List<String> sourceFileIds,
    @Nullable String requestId)
    implements Event {
  @Override
  public String key() {
    return name;
  }
}
