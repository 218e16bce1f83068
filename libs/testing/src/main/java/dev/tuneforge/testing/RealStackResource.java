package dev.tuneforge.testing;

import dev.tuneforge.events.Topics;
import dev.tuneforge.stack.LocalStack;
import dev.tuneforge.stack.StackSettings;
import dev.tuneforge.stack.TopicCreator;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Gives a service test a real Kafka broker and a real S3 server: Testcontainers' Kafka (KRaft) and
 * MinIO when a Docker engine answers, the embedded stack of libs/stack otherwise. Either way
 * nothing is mocked. The embedded stack is started once per test JVM and shared by every test class
 * (starting it costs seconds; each class still gets its own fresh application).
 */
public class RealStackResource implements QuarkusTestResourceLifecycleManager {

  private static Map<String, String> shared;

  @Override
  public synchronized Map<String, String> start() {
    if (shared == null) {
      shared = dockerAvailable() ? startContainers() : startEmbedded();
    }
    return shared;
  }

  @Override
  public void stop() {
    // Shared for the whole JVM; the shutdown hook registered at start closes it.
  }

  private static boolean dockerAvailable() {
    if (Boolean.getBoolean("tuneforge.test.embedded")) {
      return false;
    }
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (Throwable e) {
      return false;
    }
  }

  private static Map<String, String> startEmbedded() {
    try {
      Path dir = Files.createTempDirectory("tuneforge-stack-");
      LocalStack stack = LocalStack.start(StackSettings.defaults(dir).withFreePorts());
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      stack.close();
                    } catch (Exception e) {
                      // the JVM is exiting
                    }
                  }));
      return new HashMap<>(stack.serviceConfig());
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot start the embedded Kafka + S3 stack: " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("resource")
  private static Map<String, String> startContainers() {
    KafkaContainer kafka = new KafkaContainer("apache/kafka:4.1.1");
    MinIOContainer minio =
        new MinIOContainer("minio/minio:RELEASE.2025-09-07T16-13-09Z")
            .withUserName(StackSettings.DEFAULT_ACCESS_KEY)
            .withPassword(StackSettings.DEFAULT_SECRET_KEY);
    kafka.start();
    minio.start();
    // The same topics with the same settings as every other environment (the embedded stack
    // creates them itself).
    TopicCreator.ensure(kafka.getBootstrapServers(), Topics.SPECS);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  kafka.stop();
                  minio.stop();
                }));
    Map<String, String> config = new HashMap<>();
    config.put("kafka.bootstrap.servers", kafka.getBootstrapServers());
    config.put("tuneforge.s3.endpoint", minio.getS3URL());
    config.put("tuneforge.s3.access-key", StackSettings.DEFAULT_ACCESS_KEY);
    config.put("tuneforge.s3.secret-key", StackSettings.DEFAULT_SECRET_KEY);
    config.put("tuneforge.s3.bucket", StackSettings.DEFAULT_BUCKET);
    return config;
  }
}
