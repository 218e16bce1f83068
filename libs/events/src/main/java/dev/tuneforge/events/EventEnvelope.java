package dev.tuneforge.events;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * What travels on a topic: the event plus the metadata every consumer needs to de-duplicate ({@code
 * eventId}), order ({@code occurredAt}), evolve ({@code schemaVersion}) and trace ({@code
 * producer}) it. {@code type} is the event record's simple name.
 */
public record EventEnvelope(
    String eventId,
    String type,
    String key,
    Instant occurredAt,
    int schemaVersion,
    String producer,
    Event payload) {

  public EventEnvelope {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(occurredAt, "occurredAt");
    Objects.requireNonNull(producer, "producer");
    Objects.requireNonNull(payload, "payload");
  }

  /** Wraps a new fact at the current schema version of its type. */
  public static EventEnvelope of(Event payload, String producer) {
    return new EventEnvelope(
        UUID.randomUUID().toString(),
        EventTypes.nameOf(payload.getClass()),
        payload.key(),
        Instant.now(),
        EventTypes.CURRENT_SCHEMA_VERSION,
        producer,
        payload);
  }

  /** The payload as the expected type, or a clear error naming both types. */
  public <T extends Event> T payloadAs(Class<T> expected) {
    if (!expected.isInstance(payload)) {
      throw new IllegalStateException(
          "expected a " + expected.getSimpleName() + " event, got " + type);
    }
    return expected.cast(payload);
  }
}
