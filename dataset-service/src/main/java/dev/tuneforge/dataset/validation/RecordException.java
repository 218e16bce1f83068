package dev.tuneforge.dataset.validation;

/**
 * A line that is not a valid record. Thrown inside the parser only and caught per line; it has no
 * stack trace because a bad file can raise one per line and the trace would cost more than the
 * parse.
 */
final class RecordException extends Exception {

  private final ErrorKind kind;

  RecordException(ErrorKind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  ErrorKind kind() {
    return kind;
  }
}
