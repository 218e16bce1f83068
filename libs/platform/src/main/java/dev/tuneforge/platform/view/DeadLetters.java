package dev.tuneforge.platform.view;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves records a view cannot use to the service's dead-letter topic, with the same headers as
 * SmallRye's dead-letter strategy ({@code dead-letter-reason}, {@code dead-letter-topic}, …) so one
 * tool reads both. A view re-reads its topics from the beginning on every start, so it first reads
 * the dead-letter topic to learn which records it already moved aside, and sends each only once.
 */
public final class DeadLetters implements AutoCloseable {

  public static final String REASON = "dead-letter-reason";
  public static final String CAUSE = "dead-letter-cause";
  public static final String EXCEPTION_CLASS = "dead-letter-exception-class-name";
  public static final String TOPIC = "dead-letter-topic";
  public static final String PARTITION = "dead-letter-partition";
  public static final String OFFSET = "dead-letter-offset";

  /**
   * Which view moved the record aside: several views of one service share its dead-letter topic.
   */
  public static final String VIEW = "dead-letter-view";

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

  private final String topic;
  private final String view;
  private final Map<String, Object> connection;
  private final Set<String> alreadySent = new HashSet<>();
  private KafkaProducer<byte[], byte[]> producer;

  DeadLetters(String topic, String view, Map<String, Object> connection) {
    this.topic = topic;
    this.view = view;
    this.connection = connection;
  }

  public String topic() {
    return topic;
  }

  /**
   * Reads what this view already dead-lettered (up to the topic's end now), giving up after {@code
   * timeout}.
   */
  void loadAlreadySent(Duration timeout) {
    try (KafkaConsumer<byte[], byte[]> consumer =
        KafkaClients.groupless(connection, view + "-dead-letters")) {
      List<TopicPartition> partitions = KafkaClients.partitions(consumer, topic);
      if (partitions.isEmpty()) {
        return;
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!reached(consumer, end)) {
        if (System.nanoTime() > deadline) {
          LOG.warn(
              "view {}: could not read {} within {}; records it already dead-lettered may be sent again",
              view,
              topic,
              timeout);
          return;
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (view.equals(header(r.headers(), VIEW))) {
            alreadySent.add(
                header(r.headers(), TOPIC)
                    + "/"
                    + header(r.headers(), PARTITION)
                    + "/"
                    + header(r.headers(), OFFSET));
          }
        }
      }
    }
  }

  private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
    for (var e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Sends {@code record} to the dead-letter topic and waits for the broker's acknowledgement;
   * returns false when this view had already sent it on an earlier run.
   */
  boolean send(ConsumerRecord<byte[], byte[]> record, String reason, Throwable cause)
      throws InterruptedException {
    String id = record.topic() + "/" + record.partition() + "/" + record.offset();
    if (alreadySent.contains(id)) {
      return false;
    }
    Headers headers = new RecordHeaders();
    for (Header h : record.headers()) {
      headers.add(h);
    }
    put(headers, REASON, reason);
    if (cause != null) {
      put(headers, EXCEPTION_CLASS, cause.getClass().getName());
      if (cause.getCause() != null) {
        put(headers, CAUSE, String.valueOf(cause.getCause().getMessage()));
      }
    }
    put(headers, TOPIC, record.topic());
    put(headers, PARTITION, Integer.toString(record.partition()));
    put(headers, OFFSET, Long.toString(record.offset()));
    put(headers, VIEW, view);
    if (producer == null) {
      producer = KafkaClients.acknowledged(connection, view + "-dead-letters");
    }
    var out = new ProducerRecord<>(topic, null, record.key(), record.value(), headers);
    try {
      producer.send(out).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot write "
              + id
              + " to dead-letter topic "
              + topic
              + ": "
              + e.getCause().getMessage(),
          e.getCause());
    }
    alreadySent.add(id);
    return true;
  }

  private static void put(Headers headers, String name, String value) {
    headers.remove(name);
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  static String header(Headers headers, String name) {
    Header h = headers.lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
  }
}
