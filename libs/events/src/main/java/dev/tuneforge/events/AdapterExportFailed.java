package dev.tuneforge.events;

/**
 * An export of a version failed on {@code replica}, with the engine's or the artifact layer's
 * {@code reason}; a new request starts it again.
 */
public record AdapterExportFailed(
    String team,
    String name,
    int version,
    String exportId,
    String format,
    @Nullable String type,
    String replica,
    String reason)
    implements Event {
  @Override
  public String key() {
    return AdapterKeys.of(team, name);
  }
}
