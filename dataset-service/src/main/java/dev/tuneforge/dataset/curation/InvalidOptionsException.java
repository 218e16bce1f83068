package dev.tuneforge.dataset.curation;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown by {@link CurationOptions#requireValid()}; carries every invalid field, not just the
 * first.
 */
public final class InvalidOptionsException extends IllegalArgumentException {

  private final List<OptionError> errors;

  public InvalidOptionsException(List<OptionError> errors) {
    super(
        "invalid curation options: "
            + errors.stream().map(OptionError::toString).collect(Collectors.joining("; ")));
    this.errors = List.copyOf(errors);
  }

  public List<OptionError> errors() {
    return errors;
  }
}
