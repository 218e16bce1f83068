package dev.tuneforge.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.stack.LocalStack;
import dev.tuneforge.testing.ServiceProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The packaged trainer-service (target/quarkus-app) as a child process on an embedded stack, for
 * the tests that kill it or run two of it, with the few HTTP calls they make.
 */
final class TrainerProcess implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final ServiceProcess service;
  final Process process;
  final int port;
  final Path log;
  final String key;

  private TrainerProcess(ServiceProcess service, String key) {
    this.service = service;
    this.process = service.process();
    this.port = service.port();
    this.log = service.log();
    this.key = key;
  }

  /** Starts the service with workers and waits until it is ready. */
  static TrainerProcess start(LocalStack stack, Path dir, String name, String key)
      throws Exception {
    ServiceProcess p =
        ServiceProcess.start(
            stack,
            dir.resolve(name + ".log"),
            List.of(
                "-Xmx1g",
                "-Dai.djl.pytorch.num_threads=1",
                // A work folder of its own: a job taken up elsewhere continues from the bucket,
                // not from files the previous owner left on its disk.
                "-Dtuneforge.trainer.worker.work-dir=" + dir.resolve("work-" + name),
                "-Dtuneforge.artifacts.cache-dir=" + dir.resolve("cache"),
                // A killed consumer's partitions are reassigned once the broker drops it from
                // the group.
                "-Dmp.messaging.incoming.training-requests.session.timeout.ms=6000",
                "-Dmp.messaging.incoming.training-requests.heartbeat.interval.ms=1000"));
    p.awaitReady(Duration.ofSeconds(90));
    return new TrainerProcess(p, key);
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
    service.kill();
  }

  @Override
  public void close() throws InterruptedException {
    service.close();
  }
}
