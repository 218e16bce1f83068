package dev.tuneforge.stack;

import dev.tuneforge.events.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * The embedded default: one real Kafka broker (KRaft) and one S3-compatible server, both on
 * 127.0.0.1, with their data under one folder ({@code kafka/}, {@code s3/}), and every topic of
 * {@code Topics.SPECS} created with its settings. Used in-process by tests, and as its own process
 * by {@code tuneforge stack up} (see {@link #main}).
 */
public final class LocalStack implements AutoCloseable {

  private final StackSettings settings;
  private final EmbeddedKafka kafka;
  private final EmbeddedS3 s3;

  private LocalStack(StackSettings settings, EmbeddedKafka kafka, EmbeddedS3 s3) {
    this.settings = settings;
    this.kafka = kafka;
    this.s3 = s3;
  }

  public static LocalStack start(StackSettings settings) throws Exception {
    Ports.requireFree(settings.kafkaPort(), "Kafka broker");
    Ports.requireFree(settings.controllerPort(), "Kafka controller");
    Ports.requireFree(settings.s3Port(), "S3 server");
    EmbeddedKafka kafka =
        EmbeddedKafka.start(
            settings.dataDir().resolve("kafka"), settings.kafkaPort(), settings.controllerPort());
    try {
      // Every topic with its settings from the one table, before any service connects.
      TopicCreator.ensure(kafka.bootstrapServers(), Topics.SPECS);
      EmbeddedS3 s3 =
          EmbeddedS3.start(
              settings.dataDir().resolve("s3"),
              settings.s3Port(),
              settings.accessKey(),
              settings.secretKey(),
              settings.bucket());
      return new LocalStack(settings, kafka, s3);
    } catch (Exception e) {
      kafka.close();
      throw e;
    }
  }

  public String kafkaBootstrapServers() {
    return kafka.bootstrapServers();
  }

  public String s3Endpoint() {
    return s3.endpoint();
  }

  /** The configuration keys every service reads, with this stack's values. */
  public Map<String, String> serviceConfig() {
    return Map.of(
        "kafka.bootstrap.servers", kafkaBootstrapServers(),
        "tuneforge.s3.endpoint", s3Endpoint(),
        "tuneforge.s3.access-key", settings.accessKey(),
        "tuneforge.s3.secret-key", settings.secretKey(),
        "tuneforge.s3.bucket", settings.bucket());
  }

  @Override
  public void close() throws Exception {
    try {
      s3.close();
    } finally {
      kafka.close();
    }
  }

  /**
   * {@code java dev.tuneforge.stack.LocalStack DATA_DIR [kafkaPort controllerPort s3Port]}: runs
   * until killed, and writes {@code DATA_DIR/stack.properties} (endpoints, pid) once both servers
   * accept connections — the launcher waits for that file.
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 1 && args.length != 4) {
      System.err.println("usage: LocalStack DATA_DIR [KAFKA_PORT CONTROLLER_PORT S3_PORT]");
      System.exit(2);
    }
    Path dir = Path.of(args[0]).toAbsolutePath();
    StackSettings defaults = StackSettings.defaults(dir);
    StackSettings settings =
        args.length == 4
            ? new StackSettings(
                dir,
                Integer.parseInt(args[1]),
                Integer.parseInt(args[2]),
                Integer.parseInt(args[3]),
                defaults.accessKey(),
                defaults.secretKey(),
                defaults.bucket())
            : defaults;
    Path ready = dir.resolve("stack.properties");
    Files.deleteIfExists(ready);
    LocalStack stack;
    try {
      stack = start(settings);
    } catch (IllegalStateException e) {
      System.err.println("tuneforge stack: " + e.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    Files.deleteIfExists(ready);
                    stack.close();
                  } catch (Exception e) {
                    System.err.println("tuneforge stack: shutdown: " + e);
                  }
                }));
    StringBuilder out = new StringBuilder();
    out.append("pid=").append(ProcessHandle.current().pid()).append('\n');
    stack.serviceConfig().forEach((k, v) -> out.append(k).append('=').append(v).append('\n'));
    Path tmp = dir.resolve("stack.properties.tmp");
    Files.writeString(tmp, out.toString(), StandardCharsets.UTF_8);
    Files.move(tmp, ready, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    System.out.println(
        "tuneforge stack: Kafka on "
            + stack.kafkaBootstrapServers()
            + ", S3 on "
            + stack.s3Endpoint()
            + ", data in "
            + dir);
    Thread.currentThread().join();
  }
}
