package dev.tuneforge.events;

/**
 * Command on the registry's log: register the output of a finished job under {@code name} for
 * {@code team}. The registry's projection decides, in log order, whether it becomes a new version
 * (and which number) or is a duplicate of a job already registered; the outcome is announced as
 * {@link AdapterRegistered}. Keyed by {@code team/name}, so every command about one adapter lands
 * on one partition, in order.
 */
public record AdapterRegistrationRequested(String team, String name, TrainingCompleted training)
    implements Event {
  @Override
  public String key() {
    return AdapterKeys.of(team, name);
  }
}
