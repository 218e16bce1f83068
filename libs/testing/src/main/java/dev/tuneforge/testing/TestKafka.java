package dev.tuneforge.testing;

import dev.tuneforge.events.Event;
import dev.tuneforge.events.EventCodec;
import dev.tuneforge.events.EventEnvelope;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

/** Plain Kafka clients against the test broker: send raw or encoded records, wait for records. */
public final class TestKafka {
  private static final EventCodec CODEC = new EventCodec();

  private TestKafka() {}

  public static String bootstrap() {
    return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
  }

  public static void sendRaw(String topic, String key, byte[] value) {
    try (var p =
        new KafkaProducer<>(
            Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap(),
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            new ByteArraySerializer())) {
      p.send(new ProducerRecord<>(topic, key, value)).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static void send(String topic, Event event) {
    sendRaw(topic, event.key(), CODEC.encode(EventEnvelope.of(event, "test")));
  }

  /**
   * Reads {@code topic} from the start until {@code count} records match, or fails after {@code
   * timeout}.
   */
  public static List<ConsumerRecord<String, String>> await(
      String topic, int count, Predicate<ConsumerRecord<String, String>> match, Duration timeout) {
    List<ConsumerRecord<String, String>> found = new ArrayList<>();
    try (var c =
        new KafkaConsumer<>(
            Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      c.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (found.size() < count && System.nanoTime() < deadline) {
        for (var r : c.poll(Duration.ofMillis(200))) {
          if (match.test(r)) {
            found.add(r);
          }
        }
      }
    }
    if (found.size() < count) {
      throw new AssertionError(
          "expected " + count + " matching records on " + topic + ", found " + found.size());
    }
    return found;
  }

  public static String header(ConsumerRecord<?, ?> record, String name) {
    var h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /** Decodes an envelope read from a topic. */
  public static EventEnvelope decode(ConsumerRecord<String, String> record) {
    return CODEC.decode(record.value());
  }
}
