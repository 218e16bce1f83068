package dev.tuneforge.platform.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.events.EventCodec;
import dev.tuneforge.events.EventEnvelope;
import dev.tuneforge.events.TrainingProgress;
import dev.tuneforge.stack.EmbeddedKafka;
import dev.tuneforge.stack.Ports;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * How long a restart takes to rebuild a view, and what read-your-writes costs, on the embedded
 * broker. Run: {@code mvn -B -pl libs/platform -am verify -Dtests.excluded=none -Dgroups=benchmark
 * -Dtest=KafkaViewBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("benchmark")
class KafkaViewBenchmarkTest {

  static final int RECORDS = Integer.getInteger("bench.records", 100_000);
  static final int ROUND_TRIPS = Integer.getInteger("bench.roundTrips", 300);

  @Test
  void rebuildRateAndReadYourWritesLatency() throws Exception {
    try (EmbeddedKafka kafka =
        EmbeddedKafka.start(Files.createTempDirectory("view-bench-"), Ports.free(), Ports.free())) {
      Map<String, Object> conn = Map.of("bootstrap.servers", kafka.bootstrapServers());
      String topic = "view-bench";
      try (Admin admin = Admin.create(conn)) {
        admin
            .createTopics(List.of(new NewTopic(topic, Optional.of(3), Optional.empty())))
            .all()
            .get();
      }
      EventCodec codec = new EventCodec();
      try (var producer =
          new KafkaProducer<>(
              Map.<String, Object>of(
                  "bootstrap.servers",
                  kafka.bootstrapServers(),
                  "linger.ms",
                  20,
                  "batch.size",
                  256 * 1024),
              new ByteArraySerializer(),
              new ByteArraySerializer())) {
        for (int i = 0; i < RECORDS; i++) {
          String job = "ftjob-" + (i % 1000);
          var e =
              EventEnvelope.of(
                  new TrainingProgress(job, i, RECORDS, 1.0, 2.0, 1e-4, 1.0, 1000, 10), "bench");
          producer.send(
              new ProducerRecord<>(topic, job.getBytes(StandardCharsets.UTF_8), codec.encode(e)));
        }
        producer.flush();
      }

      AtomicLong applied = new AtomicLong();
      long t0 = System.nanoTime();
      try (KafkaView view =
          KafkaView.builder("bench")
              .connection(conn)
              .topics(topic)
              .deadLetterTopic("view-bench-dlq")
              .projection((e, at) -> applied.incrementAndGet())
              .start()) {
        assertTrue(view.awaitCaughtUp(Duration.ofMinutes(10)));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(RECORDS, applied.get());
        System.out.printf(
            "view rebuild: %,d records (TrainingProgress envelopes, 3 partitions) in %.2f s = %,.0f records/s%n",
            RECORDS, seconds, RECORDS / seconds);

        try (var publisher = new KafkaEventPublisher(conn, codec, "bench")) {
          List<Double> millis = new ArrayList<>();
          for (int i = 0; i < ROUND_TRIPS; i++) {
            long s = System.nanoTime();
            RecordPosition at =
                publisher.publish(topic, new TrainingProgress("ftjob-ryw", i, 1, 1, 1, 1, 1, 1, 1));
            assertTrue(view.awaitPosition(at, Duration.ofSeconds(30)));
            millis.add((System.nanoTime() - s) / 1e6);
          }
          Collections.sort(millis);
          System.out.printf(
              "publish + await view (read-your-writes), %d round trips: median %.2f ms, p95 %.2f ms, max %.2f ms%n",
              ROUND_TRIPS,
              millis.get(millis.size() / 2),
              millis.get((int) (millis.size() * 0.95)),
              millis.get(millis.size() - 1));
        }
      }
    }
  }
}
