package dev.tuneforge.cli.platform;

import dev.tuneforge.cli.keys.AdminKeyBootstrap;
import dev.tuneforge.stack.LocalStack;
import dev.tuneforge.stack.Ports;
import dev.tuneforge.stack.StackSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The real dataset-service (its packaged quarkus-app, as {@code tuneforge up} runs it) on the
 * embedded Kafka broker and S3 server, on free ports, with an admin key written to the key topic
 * the way {@code up} does. The CLI's commands run in-process against it.
 */
final class RealDatasetService implements AutoCloseable {

  static final Path JAR = Path.of("../dataset-service/target/quarkus-app/quarkus-run.jar");

  final LocalStack stack;
  final Process process;
  final URI url;
  final String adminKey;
  final Path log;

  private RealDatasetService(LocalStack stack, Process process, URI url, String key, Path log) {
    this.stack = stack;
    this.process = process;
    this.url = url;
    this.adminKey = key;
    this.log = log;
  }

  static RealDatasetService start(Path dir) throws Exception {
    if (!Files.exists(JAR)) {
      throw new IllegalStateException(
          JAR.toAbsolutePath()
              + " is missing: build with the reactor (mvn -pl cli -am verify packages it)");
    }
    LocalStack stack =
        LocalStack.start(StackSettings.defaults(dir.resolve("stack")).withFreePorts());
    try {
      Map<String, String> c = stack.serviceConfig();
      Path keyFile = dir.resolve("admin-key");
      AdminKeyBootstrap.ensure(
          keyFile, c.get("kafka.bootstrap.servers"), new PrintStream(new ByteArrayOutputStream()));
      int port = Ports.free();
      Path log = dir.resolve("dataset-service.log");
      ProcessBuilder pb =
          new ProcessBuilder(
                  List.of(
                      Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                      "-Xmx384m",
                      "-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("tmp")),
                      "-jar",
                      JAR.toAbsolutePath().toString()))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      pb.environment()
          .putAll(
              Map.of(
                  "QUARKUS_HTTP_PORT", String.valueOf(port),
                  "QUARKUS_HTTP_HOST", "127.0.0.1",
                  "KAFKA_BOOTSTRAP_SERVERS", c.get("kafka.bootstrap.servers"),
                  "TUNEFORGE_S3_ENDPOINT", c.get("tuneforge.s3.endpoint"),
                  "TUNEFORGE_S3_ACCESS_KEY", c.get("tuneforge.s3.access-key"),
                  "TUNEFORGE_S3_SECRET_KEY", c.get("tuneforge.s3.secret-key"),
                  "TUNEFORGE_S3_BUCKET", c.get("tuneforge.s3.bucket")));
      Process p = pb.start();
      URI url = URI.create("http://127.0.0.1:" + port);
      RealDatasetService s =
          new RealDatasetService(stack, p, url, Files.readString(keyFile).strip(), log);
      s.awaitReady(Duration.ofSeconds(120));
      return s;
    } catch (Exception | Error e) {
      stack.close();
      throw e;
    }
  }

  private void awaitReady(Duration timeout) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "dataset-service exited during start-up:\n" + Files.readString(log));
      }
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(url.resolve("/q/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(
        "dataset-service not ready in " + timeout.toSeconds() + " s; log " + log);
  }

  /** GET with the admin key, the body as the server sent it (to compare --output json with). */
  String get(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(url.resolve(path))
                .header("Authorization", "Bearer " + adminKey)
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    stack.close();
  }
}
