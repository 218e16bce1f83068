package dev.tuneforge.events;

/**
 * A version was archived (no longer offered as a model; its aliases were removed). Its files stay.
 */
public record AdapterArchived(
    String team, String name, int version, String archivedBy, @Nullable String reason)
    implements Event {
  @Override
  public String key() {
    return AdapterKeys.of(team, name);
  }
}
