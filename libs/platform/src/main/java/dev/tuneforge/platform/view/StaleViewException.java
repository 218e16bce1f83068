package dev.tuneforge.platform.view;

/**
 * A write was recorded, but the view that should show it did not reach it in time: the caller must
 * not answer as if the client's next read will see it.
 */
public class StaleViewException extends RuntimeException {
  private final transient RecordPosition position;

  public StaleViewException(String view, RecordPosition position, java.time.Duration waited) {
    super("recorded at " + position + ", but view " + view + " had not applied it after " + waited);
    this.position = position;
  }

  public RecordPosition position() {
    return position;
  }
}
