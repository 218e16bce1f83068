package dev.tuneforge.stack;

import java.nio.file.Path;

/**
 * Where the local stack keeps its data and which loopback ports it binds. Port 0 picks a free one
 * (tests); the defaults are what the services' configuration expects.
 */
public record StackSettings(
    Path dataDir,
    int kafkaPort,
    int controllerPort,
    int s3Port,
    String accessKey,
    String secretKey,
    String bucket) {

  public static final int DEFAULT_KAFKA_PORT = 9092;
  public static final int DEFAULT_CONTROLLER_PORT = 9093;
  public static final int DEFAULT_S3_PORT = 9000;
  public static final String DEFAULT_ACCESS_KEY = "tuneforge";
  public static final String DEFAULT_SECRET_KEY = "tuneforge-secret";
  public static final String DEFAULT_BUCKET = "tuneforge";

  public static StackSettings defaults(Path dataDir) {
    return new StackSettings(
        dataDir,
        DEFAULT_KAFKA_PORT,
        DEFAULT_CONTROLLER_PORT,
        DEFAULT_S3_PORT,
        DEFAULT_ACCESS_KEY,
        DEFAULT_SECRET_KEY,
        DEFAULT_BUCKET);
  }

  /** Same data folder and credentials, every port chosen free. */
  public StackSettings withFreePorts() {
    return new StackSettings(
        dataDir, Ports.free(), Ports.free(), Ports.free(), accessKey, secretKey, bucket);
  }
}
