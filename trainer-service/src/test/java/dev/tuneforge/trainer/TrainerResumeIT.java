package dev.tuneforge.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneforge.artifact.ArtifactManifest;
import dev.tuneforge.events.ApiKeyIssued;
import dev.tuneforge.events.ApiKeySecrets;
import dev.tuneforge.events.EventCodec;
import dev.tuneforge.events.Topics;
import dev.tuneforge.platform.view.KafkaEventPublisher;
import dev.tuneforge.stack.LocalStack;
import dev.tuneforge.stack.StackSettings;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.ObjectStore;
import dev.tuneforge.storage.S3Settings;
import dev.tuneforge.storage.artifact.ArtifactStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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

  static final String TEAM = "resume-team";
  static final String JOB =
      """
      {"model":"tiny-resume","training_file":"sums","seed":5,
       "hyperparameters":{"n_epochs":1,"batch_size":2},
       "tuneforge":{"lora_r":4,"sequence_len":64,"max_steps":400,"save_steps":20}}""";

  final String key = ApiKeySecrets.newSecret();

  /**
   * A stack with a trainer key of {@link #TEAM}, a tiny model and a dataset; returns its bucket.
   */
  static ArtifactStore prepare(
      LocalStack stack, KafkaEventPublisher publisher, ObjectStore store, String key) {
    publisher.publish(
        Topics.API_KEYS,
        new ApiKeyIssued(
            ApiKeySecrets.newId(),
            "process test",
            TEAM,
            "trainer",
            ApiKeySecrets.sha256(key),
            Instant.now()));
    ArtifactStore artifacts = new ArtifactStore(store);
    TestBucket.publishTinyModel(artifacts, "tiny-resume");
    TestBucket.publishDataset(artifacts, TEAM, "sums", "v1", TestBucket.chats(8));
    return artifacts;
  }

  static ObjectStore bucket(LocalStack stack) {
    Map<String, String> c = stack.serviceConfig();
    return ObjectStore.connect(
        new S3Settings(
            c.get("tuneforge.s3.endpoint"),
            c.get("tuneforge.s3.access-key"),
            c.get("tuneforge.s3.secret-key"),
            c.get("tuneforge.s3.bucket")));
  }

  @Test
  void aJobKilledMidRunResumesFromItsCheckpointToTheSameAdapter() throws Exception {
    Path dir = Files.createTempDirectory("trainer-resume-");
    try (LocalStack stack = LocalStack.start(StackSettings.defaults(dir).withFreePorts());
        KafkaEventPublisher publisher =
            new KafkaEventPublisher(
                Map.of("bootstrap.servers", stack.kafkaBootstrapServers()),
                new EventCodec(),
                "test");
        ObjectStore store = bucket(stack)) {
      ArtifactStore artifacts = prepare(stack, publisher, store, key);

      String killed;
      String reference;
      long checkpointAtKill;
      TrainerProcess first = TrainerProcess.start(stack, dir, "first", key);
      try {
        killed = first.create(JOB);
        reference = first.create(JOB); // the same job again, trained without interruption
        checkpointAtKill = awaitCheckpoint(first, killed, 20);
      } finally {
        first.kill(); // mid-run
      }

      try (TrainerProcess second = TrainerProcess.start(stack, dir, "first-again", key)) {
        JsonNode resumed = second.awaitEnd(killed, Duration.ofSeconds(300));
        assertEquals("succeeded", resumed.path("status").asText(), resumed.toString());
        JsonNode uninterrupted = second.awaitEnd(reference, Duration.ofSeconds(300));
        assertEquals("succeeded", uninterrupted.path("status").asText());

        List<String> messages = second.messages(killed);
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
        // The engine itself continued from the fetched checkpoint, not from step 0.
        assertTrue(
            messages.stream()
                .anyMatch(
                    m -> m.startsWith("resuming from ") && m.endsWith(" at step " + resumedFrom)),
            messages.toString());
        assertTrue(
            messages.stream().noneMatch(m -> m.startsWith("no complete checkpoint")),
            messages.toString());
        assertEquals(
            1,
            messages.stream().filter(m -> m.startsWith("The job has successfully")).count(),
            messages.toString());
      }
      ArtifactManifest a = artifacts.manifest(BucketLayout.adapter(killed));
      ArtifactManifest b = artifacts.manifest(BucketLayout.adapter(reference));
      assertEquals(
          b.file("adapter_model.safetensors").orElseThrow().sha256(),
          a.file("adapter_model.safetensors").orElseThrow().sha256(),
          "resumed and uninterrupted adapters differ");
    }
  }

  /** Waits for a checkpoint at or after {@code minStep} of a running job; returns its step. */
  static long awaitCheckpoint(TrainerProcess t, String id, long minStep) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < deadline) {
      JsonNode list = t.get(id + "/checkpoints");
      if (list.path("data").size() > 0
          && list.path("data").get(0).path("step_number").asLong() >= minStep) {
        assertEquals("running", t.get(id).path("status").asText(), "killed too late");
        return list.path("data").get(0).path("step_number").asLong();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no checkpoint of " + id + " reached step " + minStep);
  }
}
