package dev.tuneforge.trainer.worker;

import dev.tuneforge.events.Event;
import dev.tuneforge.testing.TestKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Every fact recorded so far about one job on a topic, in the order of its partition. */
public final class JobFacts {
  private JobFacts() {}

  public static List<Event> of(String topic, String jobId) {
    List<Event> out = new ArrayList<>();
    try (var c =
        new KafkaConsumer<>(
            Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrap()),
            new StringDeserializer(),
            new StringDeserializer())) {
      List<TopicPartition> parts =
          c.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read " + topic + " to its end");
        }
        for (var r : c.poll(Duration.ofMillis(200))) {
          if (jobId.equals(r.key())) {
            out.add(TestKafka.decode(r).payload());
          }
        }
      }
    }
    return out;
  }

  public static <T extends Event> List<T> ofType(List<Event> facts, Class<T> type) {
    return facts.stream().filter(type::isInstance).map(type::cast).toList();
  }
}
