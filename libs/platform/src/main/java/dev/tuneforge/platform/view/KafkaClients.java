package dev.tuneforge.platform.view;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The two client shapes views and publishers use, built from one connection config. */
final class KafkaClients {
  private KafkaClients() {}

  /**
   * A consumer without a group: partitions are assigned by hand and offsets never committed, so a
   * view's state never depends on what some earlier process committed. It never creates topics:
   * they are created once, with their settings, from {@code TopicSpec}.
   */
  static KafkaConsumer<byte[], byte[]> groupless(Map<String, Object> connection, String clientId) {
    Map<String, Object> c = new HashMap<>(connection);
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    c.remove(ConsumerConfig.GROUP_ID_CONFIG);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    // Only committed records of transactional producers: a view never shows an aborted write.
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * A producer that neither loses nor duplicates: acks from every in-sync replica, idempotence
   * (broker-side de-duplication of retries), retries until {@code delivery.timeout.ms}.
   */
  static KafkaProducer<byte[], byte[]> acknowledged(
      Map<String, Object> connection, String clientId) {
    Map<String, Object> c = new HashMap<>(connection);
    c.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    c.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    c.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
    c.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    c.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    return new KafkaProducer<>(c, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** The partitions of {@code topic}, empty if the topic does not exist (yet). */
  static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
    List<PartitionInfo> infos;
    try {
      infos = consumer.partitionsFor(topic);
    } catch (org.apache.kafka.common.errors.UnknownTopicOrPartitionException e) {
      return List.of();
    }
    if (infos == null) {
      return List.of();
    }
    return infos.stream()
        .map(p -> new TopicPartition(p.topic(), p.partition()))
        .sorted((a, b) -> Integer.compare(a.partition(), b.partition()))
        .collect(Collectors.toList());
  }
}
