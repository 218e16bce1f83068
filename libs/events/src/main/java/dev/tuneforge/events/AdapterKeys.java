package dev.tuneforge.events;

/** The Kafka record key of an adapter: names are per team, so the key is {@code team/name}. */
public final class AdapterKeys {
  private AdapterKeys() {}

  public static String of(String team, String name) {
    return team + "/" + name;
  }
}
