package dev.tuneforge.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stack as its own process, killed with SIGKILL and started again on the same folder: the
 * topic's records, the group's committed offset and the stored object are all still there.
 */
class LocalStackRestartTest {

  @TempDir Path dir;

  @Test
  void topicsOffsetsAndObjectsSurviveKillNine() throws Exception {
    int kafkaPort = Ports.free(), controllerPort = Ports.free(), s3Port = Ports.free();
    Process first = launch(kafkaPort, controllerPort, s3Port);
    Map<String, String> cfg;
    try {
      cfg = awaitReady();
      String bootstrap = cfg.get("kafka.bootstrap.servers");
      try (var producer = producer(bootstrap)) {
        for (int i = 0; i < 10; i++) {
          producer.send(new ProducerRecord<>("restart-test", "k" + i, "v" + i)).get();
        }
      }
      try (var consumer = consumer(bootstrap)) {
        consumer.subscribe(List.of("restart-test"));
        int seen = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (seen < 6 && System.nanoTime() < deadline) {
          for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
            if (seen < 6) {
              consumer.commitSync(
                  Map.of(
                      new TopicPartition(r.topic(), r.partition()),
                      new OffsetAndMetadata(r.offset() + 1)));
            }
            seen++;
          }
        }
        assertTrue(seen >= 6, "consumer saw " + seen + " records");
      }
      s3(cfg)
          .putObject(
              PutObjectArgs.builder().bucket("tuneforge").object("files/hello.txt").stream(
                      new ByteArrayInputStream("hello".getBytes(StandardCharsets.UTF_8)), 5, -1)
                  .build());
    } finally {
      first.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no shutdown hook runs
    }

    Process second = launch(kafkaPort, controllerPort, s3Port);
    try {
      Map<String, String> again = awaitReady();
      String bootstrap = again.get("kafka.bootstrap.servers");
      try (Admin admin =
          Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        Map<TopicPartition, OffsetAndMetadata> offsets =
            admin.listConsumerGroupOffsets("restart-group").partitionsToOffsetAndMetadata().get();
        long committed = offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
        assertTrue(committed >= 1, "committed offsets survive: " + offsets);
        // The stack created every declared topic at its first start; the restart kept them.
        assertTrue(
            admin
                .listTopics()
                .names()
                .get()
                .containsAll(
                    dev.tuneforge.events.Topics.SPECS.stream()
                        .map(dev.tuneforge.events.TopicSpec::name)
                        .toList()));
      }
      List<String> values = new ArrayList<>();
      try (var reader = consumer(bootstrap, "restart-reader")) {
        reader.subscribe(List.of("restart-test"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (values.size() < 10 && System.nanoTime() < deadline) {
          reader.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
        }
      }
      assertEquals(10, values.size(), "all records survive: " + values);
      try (var in =
          s3(again)
              .getObject(
                  GetObjectArgs.builder().bucket("tuneforge").object("files/hello.txt").build())) {
        assertEquals("hello", new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    } finally {
      second.destroy();
      second.waitFor(60, TimeUnit.SECONDS);
    }
  }

  private Process launch(int kafkaPort, int controllerPort, int s3Port) throws Exception {
    // A killed stack leaves its ready file behind; remove it first, as `tuneforge stack up` does,
    // so readiness is judged by the new process only.
    Files.deleteIfExists(dir.resolve("stack.properties"));
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-Xmx256m",
            "-cp",
            cp,
            LocalStack.class.getName(),
            dir.toString(),
            String.valueOf(kafkaPort),
            String.valueOf(controllerPort),
            String.valueOf(s3Port))
        .redirectErrorStream(true)
        .redirectOutput(new File(dir.toFile(), "stack.log"))
        .start();
  }

  private Map<String, String> awaitReady() throws Exception {
    Path ready = dir.resolve("stack.properties");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!Files.exists(ready)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "stack not ready; log:\n" + Files.readString(dir.resolve("stack.log")));
      }
      Thread.sleep(100);
    }
    Properties p = new Properties();
    try (var in = Files.newInputStream(ready)) {
      p.load(in);
    }
    Map<String, String> m = new java.util.HashMap<>();
    p.forEach((k, v) -> m.put((String) k, (String) v));
    return m;
  }

  private static KafkaProducer<String, String> producer(String bootstrap) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
        new StringSerializer(),
        new StringSerializer());
  }

  private static KafkaConsumer<String, String> consumer(String bootstrap) {
    return consumer(bootstrap, "restart-group");
  }

  private static KafkaConsumer<String, String> consumer(String bootstrap, String group) {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.GROUP_ID_CONFIG,
            group,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            "false"),
        new StringDeserializer(),
        new StringDeserializer());
  }

  private static MinioClient s3(Map<String, String> cfg) {
    return MinioClient.builder()
        .endpoint(cfg.get("tuneforge.s3.endpoint"))
        .credentials(cfg.get("tuneforge.s3.access-key"), cfg.get("tuneforge.s3.secret-key"))
        .build();
  }
}
