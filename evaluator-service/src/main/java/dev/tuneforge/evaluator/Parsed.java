package dev.tuneforge.evaluator;

import dev.tuneforge.platform.api.FieldError;
import java.util.List;

/** A parse that either produced a value or found every error in the input (never both). */
public record Parsed<T>(T value, List<FieldError> errors) {
  public Parsed {
    errors = List.copyOf(errors);
    if ((value == null) == errors.isEmpty()) {
      throw new IllegalArgumentException("a parse has either a value or errors");
    }
  }

  public static <T> Parsed<T> ok(T value) {
    return new Parsed<>(value, List.of());
  }

  public static <T> Parsed<T> failed(List<FieldError> errors) {
    return new Parsed<>(null, errors);
  }

  public boolean ok() {
    return value != null;
  }
}
