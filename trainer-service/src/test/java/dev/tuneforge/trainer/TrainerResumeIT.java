package dev.tuneforge.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.artifact.ArtifactManifest;
import dev.tuneforge.events.ApiKeyIssued;
import dev.tuneforge.events.ApiKeySecrets;
import dev.tuneforge.events.EventCodec;
import dev.tuneforge.events.Topics;
import dev.tuneforge.platform.view.KafkaEventPublisher;
import dev.tuneforge.stack.LocalStack;
import dev.tuneforge.stack.Ports;
import dev.tuneforge.stack.StackSettings;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.ObjectStore;
import dev.tuneforge.storage.S3Settings;
import dev.tuneforge.storage.artifact.ArtifactStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged trainer-service killed with SIGKILL in the middle of a training run: started again,
 * it takes the job up from its newest checkpoint in the bucket, trains it to the end once, and the
 * adapter's weights are byte-identical to those of an uninterrupted job with the same data,
 * settings and seed.
 */
class TrainerResumeIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String TEAM = "resume-team";
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final String key = ApiKeySecrets.newSecret();

  @Test
  void aJobKilledMidRunResumesFromItsCheckpointToTheSameAdapter() throws Exception {
    Path jar =
        Path.of(System.getProperty("tuneforge.app.jar", "target/quarkus-app/quarkus-run.jar"));
    assertTrue(Files.exists(jar), "package the service first: " + jar);
    Path dir = Files.createTempDirectory("trainer-resume-");
    try (LocalStack stack = LocalStack.start(StackSettings.defaults(dir).withFreePorts());
        KafkaEventPublisher publisher =
            new KafkaEventPublisher(
                Map.of("bootstrap.servers", stack.kafkaBootstrapServers()),
                new EventCodec(),
                "test");
        ObjectStore store =
            ObjectStore.connect(
                new S3Settings(
                    stack.serviceConfig().get("tuneforge.s3.endpoint"),
                    stack.serviceConfig().get("tuneforge.s3.access-key"),
                    stack.serviceConfig().get("tuneforge.s3.secret-key"),
                    stack.serviceConfig().get("tuneforge.s3.bucket")))) {
      publisher.publish(
          Topics.API_KEYS,
          new ApiKeyIssued(
              ApiKeySecrets.newId(),
              "resume test",
              TEAM,
              "trainer",
              ApiKeySecrets.sha256(key),
              Instant.now()));
      ArtifactStore artifacts = new ArtifactStore(store);
      TestBucket.publishTinyModel(artifacts, "tiny-resume");
      TestBucket.publishDataset(artifacts, TEAM, "sums", "v1", TestBucket.chats(8));

      int port = Ports.free();
      Process first = launch(stack, dir, "first.log", port);
      String killed;
      String reference;
      long checkpointAtKill;
      try {
        awaitReady(dir.resolve("first.log"), port);
        killed = create(port);
        reference = create(port); // the same job again, trained without interruption
        checkpointAtKill = awaitCheckpoint(port, killed, 20);
      } finally {
        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL mid-run
      }

      port = Ports.free();
      Process second = launch(stack, dir, "second.log", port);
      try {
        awaitReady(dir.resolve("second.log"), port);
        JsonNode resumed = awaitEnd(port, killed, dir.resolve("second.log"));
        assertEquals("succeeded", resumed.path("status").asText(), resumed.toString());
        JsonNode uninterrupted = awaitEnd(port, reference, dir.resolve("second.log"));
        assertEquals("succeeded", uninterrupted.path("status").asText());

        List<String> messages = new ArrayList<>();
        String after = "";
        JsonNode page;
        do { // every page, newest first
          page = get(port, killed + "/events?limit=100" + after);
          page.path("data").forEach(e -> messages.add(e.path("message").asText()));
          after = "&after=" + page.path("last_id").asText();
        } while (page.path("has_more").asBoolean());
        assertEquals(
            1,
            messages.stream().filter(m -> m.startsWith("Fine-tuning job started")).count(),
            messages.toString());
        long resumedFrom =
            messages.stream()
                .filter(m -> m.startsWith("Fine-tuning job resumed from step "))
                .mapToLong(m -> Long.parseLong(m.substring(m.lastIndexOf(' ') + 1)))
                .max()
                .orElseThrow(() -> new AssertionError("no resume in " + messages));
        assertTrue(resumedFrom >= checkpointAtKill, resumedFrom + " < " + checkpointAtKill);
        assertEquals(
            1,
            messages.stream().filter(m -> m.startsWith("The job has successfully")).count(),
            messages.toString());
      } finally {
        second.destroy();
        second.waitFor(30, TimeUnit.SECONDS);
      }
      ArtifactManifest a = artifacts.manifest(BucketLayout.adapter(killed));
      ArtifactManifest b = artifacts.manifest(BucketLayout.adapter(reference));
      assertEquals(
          b.file("adapter_model.safetensors").orElseThrow().sha256(),
          a.file("adapter_model.safetensors").orElseThrow().sha256(),
          "resumed and uninterrupted adapters differ");
    }
  }

  String create(int port) throws Exception {
    String body =
        """
        {"model":"tiny-resume","training_file":"sums","seed":5,
         "hyperparameters":{"n_epochs":1,"batch_size":2},
         "tuneforge":{"lora_r":4,"sequence_len":64,"max_steps":400,"save_steps":20}}""";
    var r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/fine_tuning/jobs"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body()).path("id").asText();
  }

  JsonNode get(int port, String path) throws Exception {
    var r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/v1/fine_tuning/jobs/" + path))
                .header("Authorization", "Bearer " + key)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  /** Waits for a checkpoint at or after {@code minStep}; returns the newest step. */
  long awaitCheckpoint(int port, String id, long minStep) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < deadline) {
      JsonNode list = get(port, id + "/checkpoints");
      if (list.path("data").size() > 0
          && list.path("data").get(0).path("step_number").asLong() >= minStep) {
        assertEquals("running", get(port, id).path("status").asText(), "killed too late");
        return list.path("data").get(0).path("step_number").asLong();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no checkpoint of " + id + " reached step " + minStep);
  }

  JsonNode awaitEnd(int port, String id, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (System.nanoTime() < deadline) {
      JsonNode job = get(port, id);
      if (List.of("succeeded", "failed", "cancelled").contains(job.path("status").asText())) {
        return job;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(id + " did not end; log:\n" + Files.readString(log));
  }

  Process launch(LocalStack stack, Path dir, String log, int port) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx1g", "-Dai.djl.pytorch.num_threads=1"));
    stack.serviceConfig().forEach((k, v) -> cmd.add("-D" + k + "=" + v));
    cmd.add("-Dquarkus.http.port=" + port);
    // Both processes use the same work folder, as one node's restarted service does.
    cmd.add("-Dtuneforge.trainer.worker.work-dir=" + dir.resolve("work"));
    cmd.add("-Dtuneforge.artifacts.cache-dir=" + dir.resolve("cache"));
    // The killed consumer's partitions are reassigned once the broker drops it from the group.
    cmd.add("-Dmp.messaging.incoming.training-requests.session.timeout.ms=6000");
    cmd.add("-Dmp.messaging.incoming.training-requests.heartbeat.interval.ms=1000");
    cmd.add("-jar");
    cmd.add(System.getProperty("tuneforge.app.jar", "target/quarkus-app/quarkus-run.jar"));
    return new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve(log).toFile())
        .start();
  }

  void awaitReady(Path log, int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      try {
        var r =
            http.send(
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
}
