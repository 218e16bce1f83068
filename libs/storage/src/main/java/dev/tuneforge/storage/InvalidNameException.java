package dev.tuneforge.storage;

/**
 * A name that cannot become part of an object key (a dataset, model, job or file id); the message
 * names the field, the value and the offending part, and {@link #field()} lets a REST layer turn it
 * into a field error.
 */
public class InvalidNameException extends IllegalArgumentException {
  private final String field;

  public InvalidNameException(String field, String value, String problem) {
    super("invalid " + field + " '" + value + "': " + problem);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
