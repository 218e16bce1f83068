package dev.tuneforge.events;

/**
 * Alias {@code alias} of adapter {@code team/name} now points at {@code version} ({@code staging},
 * {@code production} or a custom alias); it pointed at {@code previousVersion} before (null:
 * unset).
 *
 * @param forced true when an admin promoted a version its evaluation does not allow; {@code reason}
 *     says why
 */
public record AdapterPromoted(
    String team,
    String name,
    int version,
    String alias,
    @Nullable Integer previousVersion,
    String promotedBy,
    boolean forced,
    @Nullable String reason)
    implements Event {
  @Override
  public String key() {
    return AdapterKeys.of(team, name);
  }
}
