package dev.tuneforge.events;

/**
 * A base model upload failed the engine's checks and is never offered; {@code reason} names the
 * file or tensor at fault.
 */
public record ModelRejected(
    String name,
    String revision,
    @Nullable String team,
    String uri,
    String reason,
    String importedBy)
    implements Event {
  @Override
  public String key() {
    return name + "@" + revision;
  }
}
