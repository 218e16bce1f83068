package dev.tuneforge.events;

import java.util.List;

/**
 * A curation request produced no dataset version; {@code reasons} say why, naming files and lines.
 */
public record DatasetRejected(
    String team,
    String name,
    List<String> reasons,
    List<String> sourceFileIds,
    @Nullable String requestId)
    implements Event {
  @Override
  public String key() {
    return name;
  }
}
