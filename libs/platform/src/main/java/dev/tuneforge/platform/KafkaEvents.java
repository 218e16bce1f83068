package dev.tuneforge.platform;

import dev.tuneforge.events.Event;
import dev.tuneforge.events.EventCodec;
import dev.tuneforge.events.EventEnvelope;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Turns a fact into the Kafka record every consumer expects: the strict JSON envelope as value and
 * the event's key as record key, so facts about one job or dataset stay ordered on one partition.
 */
public final class KafkaEvents {
  private KafkaEvents() {}

  public static Message<String> message(EventCodec codec, Event event, String producer) {
    EventEnvelope envelope = EventEnvelope.of(event, producer);
    return Message.of(codec.encodeToString(envelope))
        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(envelope.key()).build());
  }
}
