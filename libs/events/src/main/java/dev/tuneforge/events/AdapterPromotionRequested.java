package dev.tuneforge.events;

/**
 * Command on the registry's log: point {@code alias} of adapter {@code team/name} at {@code
 * version} ({@code production}, {@code staging} or a custom alias), or archive the version ({@code
 * alias} = {@code archived}). {@code expectedVersion} is the version the alias pointed at when the
 * caller decided (null: unset); the projection applies only a command whose expectation still holds
 * when it reaches it in log order (compare-and-set), so of two concurrent promotions exactly one
 * wins on every replica.
 *
 * @param role the requesting key's role, recorded with the change
 * @param reason why; required when an admin forces a promotion the evaluation does not allow
 */
public record AdapterPromotionRequested(
    String team,
    String name,
    int version,
    String alias,
    @Nullable Integer expectedVersion,
    String requestedBy,
    String role,
    boolean forced,
    @Nullable String reason)
    implements Event {
  @Override
  public String key() {
    return AdapterKeys.of(team, name);
  }
}
