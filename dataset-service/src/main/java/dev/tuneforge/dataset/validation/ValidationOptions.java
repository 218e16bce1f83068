package dev.tuneforge.dataset.validation;

/**
 * Limits for reading an upload.
 *
 * @param maxLineBytes longest accepted line in bytes (without its newline); a longer line is
 *     reported and skipped, and at most this many bytes of it are ever buffered
 * @param maxErrors how many errors are kept with their messages; all are counted regardless
 */
public record ValidationOptions(int maxLineBytes, int maxErrors) {

  public static final int DEFAULT_MAX_LINE_BYTES = 4 * 1024 * 1024;
  public static final int DEFAULT_MAX_ERRORS = 20;

  public ValidationOptions {
    if (maxLineBytes < 16) {
      throw new IllegalArgumentException("max_line_bytes must be at least 16, was " + maxLineBytes);
    }
    if (maxErrors < 0) {
      throw new IllegalArgumentException("max_errors must not be negative, was " + maxErrors);
    }
  }

  public static ValidationOptions defaults() {
    return new ValidationOptions(DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_ERRORS);
  }
}
