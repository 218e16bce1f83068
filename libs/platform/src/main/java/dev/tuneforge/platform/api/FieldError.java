package dev.tuneforge.platform.api;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One thing wrong with a request, named by its field ({@code name}, {@code
 * options.validation_ratio}, {@code training_files[1]}). Domain code returns these; only the REST
 * layer turns them into a 400 whose {@code param} is the field, so no field name is ever parsed
 * back out of a message.
 */
public record FieldError(String param, String message) {

  public FieldError {
    if (message == null || message.isBlank()) {
      throw new IllegalArgumentException("a field error needs a message");
    }
  }

  /**
   * The same error under a parent field: {@code nested("options")} turns {@code pii} into {@code
   * options.pii}.
   */
  public FieldError nested(String parent) {
    return new FieldError(param == null ? parent : parent + "." + param, message);
  }

  /** Every error as one line, {@code "param: message; param: message"}. */
  public static String join(List<FieldError> errors) {
    return errors.stream().map(FieldError::toString).collect(Collectors.joining("; "));
  }

  @Override
  public String toString() {
    return param == null ? message : param + ": " + message;
  }
}
