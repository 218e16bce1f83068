package dev.tuneforge.events;

/**
 * A base model was deleted from the registry ({@code DELETE /v1/models/{id}}): it is no longer
 * offered. Refused while a registered version that is not archived uses it.
 */
public record ModelArchived(String name, String revision, @Nullable String team, String archivedBy)
    implements Event {
  @Override
  public String key() {
    return name + "@" + revision;
  }
}
