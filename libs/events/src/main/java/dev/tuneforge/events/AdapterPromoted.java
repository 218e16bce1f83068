package dev.tuneforge.events;

/** An adapter version was moved to a stage or alias (e.g. staging, production). */
public record AdapterPromoted(
    String name, int version, String stage, @Nullable Integer previousVersion) implements Event {
  @Override
  public String key() {
    return name;
  }
}
