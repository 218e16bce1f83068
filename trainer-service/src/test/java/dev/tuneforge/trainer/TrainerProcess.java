package dev.tuneforge.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.stack.LocalStack;
import dev.tuneforge.stack.Ports;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged trainer-service (target/quarkus-app) as a child process on an embedded stack, for
 * the tests that kill it or run two of it, with the few HTTP calls they make.
 */
final class TrainerProcess implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final Process process;
  final int port;
  final Path log;
  final String key;

  private TrainerProcess(Process process, int port, Path log, String key) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.key = key;
  }

  /** Starts the service with workers and waits until it is ready. */
  static TrainerProcess start(LocalStack stack, Path dir, String name, String key)
      throws Exception {
    Path jar =
        Path.of(System.getProperty("tuneforge.app.jar", "target/quarkus-app/quarkus-run.jar"));
    int port = Ports.free();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx1g", "-Dai.djl.pytorch.num_threads=1"));
    stack.serviceConfig().forEach((k, v) -> cmd.add("-D" + k + "=" + v));
    cmd.add("-Dquarkus.http.port=" + port);
    // A work folder of its own: a job taken up elsewhere continues from the bucket, not from
    // files the previous owner left on its disk.
    cmd.add("-Dtuneforge.trainer.worker.work-dir=" + dir.resolve("work-" + name));
    cmd.add("-Dtuneforge.artifacts.cache-dir=" + dir.resolve("cache"));
    // A killed consumer's partitions are reassigned once the broker drops it from the group.
    cmd.add("-Dmp.messaging.incoming.training-requests.session.timeout.ms=6000");
    cmd.add("-Dmp.messaging.incoming.training-requests.heartbeat.interval.ms=1000");
    cmd.add("-jar");
    cmd.add(jar.toString());
    Path log = dir.resolve(name + ".log");
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    TrainerProcess t = new TrainerProcess(p, port, log, key);
    t.awaitReady();
    return t;
  }

  void awaitReady() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      try {
        var r =
            HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("trainer-service not ready; log:\n" + Files.readString(log));
  }

  /** Creates a job through the API; returns its id. */
  String create(String body) throws Exception {
    var r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/fine_tuning/jobs"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body()).path("id").asText();
  }

  /** GET /v1/fine_tuning/jobs/{path}. */
  JsonNode get(String path) throws Exception {
    var r =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/v1/fine_tuning/jobs/" + path))
                .header("Authorization", "Bearer " + key)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  /** Every event message of a job, newest first, over every page. */
  List<String> messages(String id) throws Exception {
    List<String> messages = new ArrayList<>();
    String after = "";
    JsonNode page;
    do {
      page = get(id + "/events?limit=100" + after);
      page.path("data").forEach(e -> messages.add(e.path("message").asText()));
      after = "&after=" + page.path("last_id").asText();
    } while (page.path("has_more").asBoolean());
    return messages;
  }

  JsonNode awaitEnd(String id, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode job = get(id);
      if (List.of("succeeded", "failed", "cancelled").contains(job.path("status").asText())) {
        return job;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(id + " did not end; log:\n" + Files.readString(log));
  }

  /** SIGKILL: no shutdown hook runs. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }
}
