package dev.tuneforge.events;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The table from an envelope's {@code type} to its record class, and the schema versions read. */
public final class EventTypes {

  /** The version every producer writes today. */
  public static final int CURRENT_SCHEMA_VERSION = 1;

  /** The versions a consumer of this build can read; anything else is rejected, not guessed. */
  public static final Set<Integer> SUPPORTED_SCHEMA_VERSIONS = Set.of(1);

  private static final Map<String, Class<? extends Event>> BY_NAME = new TreeMap<>();

  static {
    for (Class<?> c : Event.class.getPermittedSubclasses()) {
      @SuppressWarnings("unchecked")
      Class<? extends Event> type = (Class<? extends Event>) c;
      BY_NAME.put(c.getSimpleName(), type);
    }
  }

  private EventTypes() {}

  public static String nameOf(Class<? extends Event> type) {
    return type.getSimpleName();
  }

  /** The record class for a type name, or an error listing the known ones. */
  public static Class<? extends Event> forName(String name) {
    Class<? extends Event> type = BY_NAME.get(name);
    if (type == null) {
      throw new EventDecodingException(
          "unknown event type '" + name + "' (known: " + String.join(", ", BY_NAME.keySet()) + ")");
    }
    return type;
  }

  public static Set<String> names() {
    return BY_NAME.keySet();
  }
}
