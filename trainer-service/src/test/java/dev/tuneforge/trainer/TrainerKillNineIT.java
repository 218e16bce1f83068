package dev.tuneforge.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.events.ApiKeyIssued;
import dev.tuneforge.events.ApiKeySecrets;
import dev.tuneforge.events.EventCodec;
import dev.tuneforge.events.Topics;
import dev.tuneforge.events.TrainingCompleted;
import dev.tuneforge.events.TrainingFailed;
import dev.tuneforge.events.TrainingRequested;
import dev.tuneforge.events.TrainingStarted;
import dev.tuneforge.platform.view.KafkaEventPublisher;
import dev.tuneforge.stack.LocalStack;
import dev.tuneforge.stack.StackSettings;
import dev.tuneforge.testing.ServiceProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged trainer-service (target/quarkus-app) as its own process on the embedded stack:
 * killed with SIGKILL and started again, it lists every job it listed before, with the same status
 * and fields, because its job list is rebuilt from the training topics.
 */
class TrainerKillNineIT {

  static final ObjectMapper JSON = new ObjectMapper();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * A viewer key, issued on the key topic before the trainer first starts (as the operator's
   * bootstrap does).
   */
  final String key = ApiKeySecrets.newSecret();

  @Test
  void aTrainerKilledWithSigkillListsTheSameJobsAfterItStartsAgain() throws Exception {
    Path jar = ServiceProcess.appJar();
    assertTrue(Files.exists(jar), "package the service first: " + jar);
    Path dir = Files.createTempDirectory("trainer-kill-nine-");
    try (LocalStack stack = LocalStack.start(StackSettings.defaults(dir).withFreePorts());
        KafkaEventPublisher publisher =
            new KafkaEventPublisher(
                Map.of("bootstrap.servers", stack.kafkaBootstrapServers()),
                new EventCodec(),
                "test")) {
      publisher.publish(
          Topics.API_KEYS,
          new ApiKeyIssued(
              ApiKeySecrets.newId(),
              "kill-nine test",
              "default",
              "viewer",
              ApiKeySecrets.sha256(key),
              java.time.Instant.now()));
      // Jobs recorded before the trainer ever ran...
      publisher.publish(Topics.TRAINING_REQUESTS, request("ftjob-a"));
      publisher.publish(Topics.TRAINING_REQUESTS, request("ftjob-b"));
      publisher.publish(Topics.TRAINING_EVENTS, new TrainingStarted("ftjob-b", "w1", 1, null, 10));

      ServiceProcess first = launch(stack, dir.resolve("first.log"));
      int port = first.port();
      JsonNode before;
      try {
        first.awaitReady(Duration.ofSeconds(90));
        // ...and while it runs.
        publisher.publish(Topics.TRAINING_REQUESTS, request("ftjob-c"));
        publisher.publish(
            Topics.TRAINING_EVENTS,
            new TrainingCompleted(
                "ftjob-b",
                "default",
                "tiny-llama",
                null,
                "lora",
                "s3://tuneforge/runs/ftjob-b/adapter/",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                Map.of(),
                10,
                640,
                1.25,
                0.0,
                Map.of()));
        publisher.publish(
            Topics.TRAINING_EVENTS,
            new TrainingFailed(
                "ftjob-c", "dataset chats@v1: no rows", null, TrainingFailed.DATA_ERROR, null));
        Map<String, String> expected =
            Map.of("ftjob-a", "queued", "ftjob-b", "succeeded", "ftjob-c", "failed");
        before = awaitStatuses(port, expected);
      } finally {
        first.kill(); // SIGKILL: no shutdown hook runs
      }

      try (ServiceProcess second = launch(stack, dir.resolve("second.log"))) {
        port = second.port();
        second.awaitReady(Duration.ofSeconds(90));
        JsonNode after = list(port);
        assertEquals(before, after);
        assertEquals(3, after.get("data").size());
      }
    }
  }

  static TrainingRequested request(String id) {
    return new TrainingRequested(
        id,
        "tiny-llama",
        "chats",
        "v1",
        "lora",
        Map.of("lora_r", 8),
        null,
        7,
        "default",
        null,
        null,
        null,
        null,
        null,
        null);
  }

  ServiceProcess launch(LocalStack stack, Path log) throws Exception {
    // The ledger is under test, not training: no worker takes up (and fails) the queued job.
    return ServiceProcess.start(
        stack, log, List.of("-Xmx256m", "-Dtuneforge.trainer.worker.enabled=false"));
  }

  JsonNode list(int port) throws Exception {
    var r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/fine_tuning/jobs"))
                .header("Authorization", "Bearer " + key)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  JsonNode awaitStatuses(int port, Map<String, String> expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Map<String, String> seen = Map.of();
    while (System.nanoTime() < deadline) {
      JsonNode list = list(port);
      seen = new TreeMap<>();
      for (JsonNode job : list.get("data")) {
        seen.put(job.get("id").asText(), job.get("status").asText());
      }
      if (seen.equals(expected)) {
        return list;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("expected " + expected + ", listed " + seen);
  }
}
