package dev.tuneforge.dataset.validation;

/**
 * One problem found in an upload.
 *
 * @param line 1-based line number; 0 when the problem is the file as a whole ({@link
 *     ErrorKind#EMPTY_FILE})
 * @param kind what is wrong
 * @param message a sentence for a human, naming the field where there is one
 */
public record ValidationError(long line, ErrorKind kind, String message) {

  @Override
  public String toString() {
    return "line " + line + ": " + kind + ": " + message;
  }
}
