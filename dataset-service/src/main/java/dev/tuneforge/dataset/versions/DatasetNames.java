package dev.tuneforge.dataset.versions;

import dev.tuneforge.platform.api.FieldError;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Dataset names become S3 key segments ({@code datasets/<name>/<version>/}), so only a safe
 * alphabet is accepted: no slashes, no dot segments, nothing a path could be steered with.
 */
public final class DatasetNames {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}");
  private static final Pattern VERSION = Pattern.compile("v[1-9][0-9]{0,8}");

  private DatasetNames() {}

  /** What is wrong with {@code name} as a dataset name, naming the field {@code name}. */
  public static Optional<FieldError> check(String name) {
    if (name == null || name.isBlank()) {
      return Optional.of(new FieldError("name", "missing dataset name"));
    }
    if (!NAME.matcher(name).matches()) {
      return Optional.of(
          new FieldError(
              "name",
              "invalid dataset name '"
                  + name
                  + "': use 1-64 letters, digits, '-' or '_', starting with a letter or digit (no '/', '.' or '..')"));
    }
    return Optional.empty();
  }

  public static boolean isValid(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  public static boolean isValidVersion(String version) {
    return version != null && VERSION.matcher(version).matches();
  }
}
