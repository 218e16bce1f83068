package dev.tuneforge.registry.state;

import java.util.Locale;
import java.util.Optional;

/** Where a version is in its life, as in MLflow's model registry. */
public enum Stage {
  /** Registered from a finished job; not evaluated, or its evaluation did not pass. */
  CANDIDATE,
  /** Its evaluation passed (or a reviewer put it there): ready to be reviewed for production. */
  STAGING,
  /** The version the {@code production} alias points at. */
  PRODUCTION,
  /** No longer offered; its files stay. */
  ARCHIVED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Stage> parse(String s) {
    for (Stage st : values()) {
      if (st.wireName().equals(s)) {
        return Optional.of(st);
      }
    }
    return Optional.empty();
  }
}
