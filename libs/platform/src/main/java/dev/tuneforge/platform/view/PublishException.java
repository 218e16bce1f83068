package dev.tuneforge.platform.view;

/**
 * The broker did not acknowledge an event: it may not be recorded, and the caller must not say it
 * is.
 */
public class PublishException extends RuntimeException {
  public PublishException(String message, Throwable cause) {
    super(message, cause);
  }
}
