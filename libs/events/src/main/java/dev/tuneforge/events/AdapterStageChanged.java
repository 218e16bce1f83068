package dev.tuneforge.events;

/**
 * A version's stage changed without anyone asking: {@code candidate} → {@code staging} when its
 * evaluation passed ({@code reason} names the evaluation).
 */
public record AdapterStageChanged(
    String team, String name, int version, String from, String to, String reason) implements Event {
  @Override
  public String key() {
    return AdapterKeys.of(team, name);
  }
}
