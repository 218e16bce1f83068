package dev.tuneforge.evaluator.testing;

import dev.tuneforge.events.Event;
import dev.tuneforge.events.EventCodec;
import dev.tuneforge.events.EventEnvelope;
import dev.tuneforge.testing.TestKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Records on the test broker with their positions, and the evaluator group's progress. */
public final class Records {
  private static final EventCodec CODEC = new EventCodec();

  private Records() {}

  /** Sends {@code event} in a new envelope (a new eventId: a redelivery, not a replay). */
  public static RecordMetadata send(String topic, Event event) {
    try (var p =
        new KafkaProducer<>(
            Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestKafka.bootstrap(),
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            new ByteArraySerializer())) {
      return p.send(
              new ProducerRecord<>(
                  topic, event.key(), CODEC.encode(EventEnvelope.of(event, "test"))))
          .get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Waits until consumer group {@code group} has committed past the record at {@code at}. */
  public static void awaitCommitted(String group, RecordMetadata at, Duration timeout)
      throws Exception {
    TopicPartition tp = new TopicPartition(at.topic(), at.partition());
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin =
        Admin.create(
            Map.<String, Object>of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrap()))) {
      while (System.nanoTime() < deadline) {
        Map<TopicPartition, OffsetAndMetadata> offsets =
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        OffsetAndMetadata o = offsets.get(tp);
        if (o != null && o.offset() > at.offset()) {
          return;
        }
        Thread.sleep(200);
      }
    }
    throw new AssertionError(
        "group " + group + " did not commit past " + tp + "@" + at.offset() + " in " + timeout);
  }

  /** Every envelope on {@code topic} whose key is {@code key}, read from the start. */
  public static List<EventEnvelope> withKey(String topic, String key, int atLeast) {
    return TestKafka.await(topic, atLeast, r -> key.equals(r.key()), Duration.ofSeconds(240))
        .stream()
        .map(TestKafka::decode)
        .toList();
  }
}
