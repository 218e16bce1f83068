package dev.tuneforge.events;

/** A record on a topic is not a valid TuneForge event; the message names the problem and field. */
public class EventDecodingException extends RuntimeException {
  public EventDecodingException(String message) {
    super(message);
  }

  public EventDecodingException(String message, Throwable cause) {
    super(message, cause);
  }
}
