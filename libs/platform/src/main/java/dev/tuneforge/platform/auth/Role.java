package dev.tuneforge.platform.auth;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a key may do. {@code viewer} reads; {@code trainer} reads and uploads, curates, creates and
 * cancels jobs, evaluates, chats; {@code reviewer} reads and promotes to production; {@code admin}
 * manages keys and has every right of the others. Trainer and reviewer are separate on purpose: the
 * one who trains a model is not the one who ships it.
 */
public enum Role {
  VIEWER,
  TRAINER,
  REVIEWER,
  ADMIN;

  /** Whether a key of this role may do what {@code required} may do. */
  public boolean grants(Role required) {
    return this == ADMIN || this == required || required == VIEWER;
  }

  /** The name in requests, events and messages: {@code viewer}, {@code trainer}, … */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Role> parse(String name) {
    if (name == null) {
      return Optional.empty();
    }
    return Arrays.stream(values()).filter(r -> r.wireName().equals(name)).findFirst();
  }

  public static String names() {
    return Arrays.stream(values()).map(Role::wireName).collect(Collectors.joining(", "));
  }
}
