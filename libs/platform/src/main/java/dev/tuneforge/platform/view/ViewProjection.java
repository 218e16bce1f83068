package dev.tuneforge.platform.view;

import dev.tuneforge.events.EventEnvelope;
import java.util.function.Consumer;

/**
 * What a service does with each fact its {@link KafkaView} reads: fold it into the in-memory state
 * the service answers queries from. Called on the view's own thread, one record at a time, in
 * partition order, at most once per {@code eventId}; readers on other threads need thread-safe
 * state (a ConcurrentHashMap, immutable values).
 */
@FunctionalInterface
public interface ViewProjection {

  /** Folds one decoded, not yet seen event into the view; {@code position} is where it was read. */
  void apply(EventEnvelope event, RecordPosition position);

  /**
   * A tombstone (a record with a key and no value) on a compacted topic: the state of {@code key}
   * is gone. Append-only topics never carry one; the default ignores it.
   */
  default void remove(String key, RecordPosition position) {}

  /** A projection that only needs the event. */
  static ViewProjection of(Consumer<EventEnvelope> apply) {
    return (event, position) -> apply.accept(event);
  }
}
