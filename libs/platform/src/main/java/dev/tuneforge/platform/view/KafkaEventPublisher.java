package dev.tuneforge.platform.view;

import dev.tuneforge.events.Event;
import dev.tuneforge.events.EventCodec;
import dev.tuneforge.events.EventEnvelope;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Publishes events and waits for the broker's acknowledgement (acks=all, idempotent producer), so a
 * service answers its client only once the fact is recorded; returns where the record landed so the
 * caller can wait for its own view to reach it. The record key is the event's key: facts about one
 * job or dataset stay ordered on one partition.
 */
public final class KafkaEventPublisher implements AutoCloseable {

  private final KafkaProducer<byte[], byte[]> producer;
  private final EventCodec codec;
  private final String producerName;
  private final Duration timeout;

  /**
   * @param connection Kafka client settings ({@code bootstrap.servers}, security)
   * @param producerName the service name written into every envelope's {@code producer}
   */
  public KafkaEventPublisher(Map<String, ?> connection, EventCodec codec, String producerName) {
    this.codec = Objects.requireNonNull(codec, "codec");
    this.producerName = Objects.requireNonNull(producerName, "producerName");
    @SuppressWarnings("unchecked")
    Map<String, Object> c = (Map<String, Object>) Map.copyOf(connection);
    this.producer = KafkaClients.acknowledged(c, producerName + "-publisher");
    Object delivery = c.getOrDefault(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    // The producer gives up after delivery.timeout.ms; the wait adds a margin so its own error,
    // which names the cause, is what the caller sees.
    this.timeout = Duration.ofMillis(Long.parseLong(delivery.toString()) + 5_000);
  }

  /** Wraps {@code event} in a new envelope (fresh eventId, now) and publishes it. */
  public RecordPosition publish(String topic, Event event) {
    return publish(topic, EventEnvelope.of(event, producerName));
  }

  /** Publishes {@code envelope} keyed by its key and blocks until the broker acknowledges it. */
  public RecordPosition publish(String topic, EventEnvelope envelope) {
    Objects.requireNonNull(topic, "topic");
    byte[] key = envelope.key().getBytes(StandardCharsets.UTF_8);
    var record = new ProducerRecord<>(topic, key, codec.encode(envelope));
    try {
      RecordMetadata m = producer.send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return new RecordPosition(m.topic(), m.partition(), m.offset());
    } catch (ExecutionException e) {
      throw failed(topic, envelope, e.getCause());
    } catch (TimeoutException | org.apache.kafka.common.KafkaException e) {
      throw failed(topic, envelope, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failed(topic, envelope, e);
    }
  }

  private static PublishException failed(String topic, EventEnvelope envelope, Throwable cause) {
    return new PublishException(
        "the broker did not acknowledge "
            + envelope.type()
            + " "
            + envelope.key()
            + " on topic "
            + topic
            + ": "
            + cause,
        cause);
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
