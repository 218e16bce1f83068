package dev.tuneforge.trainer.worker;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.artifact.ArtifactManifest;
import dev.tuneforge.artifact.Sha256;
import dev.tuneforge.events.CheckpointSaved;
import dev.tuneforge.events.Event;
import dev.tuneforge.events.FineTunedModelId;
import dev.tuneforge.events.Topics;
import dev.tuneforge.events.TrainingCancelled;
import dev.tuneforge.events.TrainingCompleted;
import dev.tuneforge.events.TrainingFailed;
import dev.tuneforge.events.TrainingNoted;
import dev.tuneforge.events.TrainingProgress;
import dev.tuneforge.events.TrainingRequested;
import dev.tuneforge.events.TrainingStarted;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.artifact.ArtifactStore;
import dev.tuneforge.testing.RealStackResource;
import dev.tuneforge.testing.TestKafka;
import dev.tuneforge.testing.TestKeys;
import dev.tuneforge.trainer.TestBucket;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Jobs created through the API and run by the service's worker on the real broker and S3 server,
 * with a tiny random llama: the adapter and validation records land in the bucket, the facts come
 * in order and TrainingCompleted carries the lineage; a request delivered twice runs once; a
 * running job is cancelled within a step and the next job runs; the SSE stream delivers a running
 * job's progress.
 */
@QuarkusTest
@TestProfile(WorkersOn.class)
@WithTestResource(RealStackResource.class)
class TrainingWorkerTest {

  static final String TEAM = "worker-team";
  static final String MODEL = "tiny-worker";
  static final String DATASET = "sums";
  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration JOB_WAIT = Duration.ofSeconds(180);
  static boolean published;

  @Inject ArtifactStore artifacts;

  @BeforeEach
  void bucket() {
    if (!published) {
      TestBucket.publishTinyModel(artifacts, MODEL);
      TestBucket.publishDataset(artifacts, TEAM, DATASET, "v1", TestBucket.chats(8));
      published = true;
    }
    TestKeys.useByDefault(TestKeys.shared(TEAM, "trainer"));
  }

  static String create(Consumer<ObjectNode> tuneforge) {
    ObjectNode b = JSON.createObjectNode();
    b.put("model", MODEL);
    b.put("training_file", DATASET);
    b.put("suffix", "sums");
    b.put("seed", 5);
    b.putObject("hyperparameters").put("n_epochs", 1).put("batch_size", 2);
    ObjectNode tf =
        b.putObject("tuneforge").put("lora_r", 4).put("sequence_len", 64).put("max_steps", 6);
    tuneforge.accept(tf);
    return given()
        .contentType(ContentType.JSON)
        .body(b.toString())
        .post("/v1/fine_tuning/jobs")
        .then()
        .statusCode(200)
        .extract()
        .path("id");
  }

  static JsonNode job(String id) {
    return JSON.valueToTree(
        given()
            .get("/v1/fine_tuning/jobs/" + id)
            .then()
            .statusCode(200)
            .extract()
            .as(Object.class));
  }

  static JsonNode awaitStatus(String id, String status) {
    Awaitility.await()
        .atMost(JOB_WAIT)
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> job(id).path("status").asText(), s -> s.equals(status) || isOtherEnd(s, status));
    JsonNode job = job(id);
    assertEquals(status, job.path("status").asText(), job.toString());
    return job;
  }

  static boolean isOtherEnd(String s, String wanted) {
    return !s.equals(wanted) && List.of("succeeded", "failed", "cancelled").contains(s);
  }

  @Test
  void aLoraJobSucceedsWithItsAdapterAndValidationRecordsInTheBucket() throws Exception {
    String id =
        create(tf -> tf.put("save_steps", 3).put("eval_steps", 3).put("evaluation_suite", "smoke"));
    JsonNode job = awaitStatus(id, "succeeded");
    assertEquals(
        FineTunedModelId.of(MODEL, TEAM, "sums", id), job.path("fine_tuned_model").asText());
    assertTrue(job.path("trained_tokens").asLong() > 0, job.toString());
    assertTrue(job.path("finished_at").asLong() > 0);

    // The adapter in PEFT layout and the held-out records, as verified artifacts.
    Path adapter = Files.createTempDirectory("adapter-");
    ArtifactManifest manifest = artifacts.fetch(BucketLayout.adapter(id), adapter.resolve("a"));
    assertTrue(manifest.file("adapter_model.safetensors").isPresent(), manifest.toString());
    assertTrue(manifest.file("adapter_config.json").isPresent(), manifest.toString());
    Path validation = Files.createTempDirectory("validation-");
    artifacts.fetch(BucketLayout.validation(id), validation.resolve("v"));
    List<String> held = Files.readAllLines(validation.resolve("v/validation.jsonl"));
    assertEquals(1, held.size(), "10% of 8 records, rounded up");

    // The facts, in order: started, the hold-out note, progress and checkpoints, one end.
    List<Event> facts = JobFacts.of(Topics.TRAINING_EVENTS, id);
    assertInstanceOf(TrainingStarted.class, facts.get(0), facts.toString());
    assertInstanceOf(TrainingCompleted.class, facts.get(facts.size() - 1), facts.toString());
    assertEquals(1, JobFacts.ofType(facts, TrainingCompleted.class).size());
    assertTrue(JobFacts.ofType(facts, TrainingFailed.class).isEmpty());
    assertTrue(
        JobFacts.ofType(facts, TrainingNoted.class).stream()
            .anyMatch(n -> n.message().contains("1 of its 8 records")),
        facts.toString());
    List<Long> steps =
        JobFacts.ofType(facts, TrainingProgress.class).stream()
            .map(TrainingProgress::step)
            .toList();
    assertEquals(List.of(1L, 2L, 4L, 6L), steps);
    assertEquals(
        List.of(3L, 6L),
        JobFacts.ofType(facts, CheckpointSaved.class).stream().map(CheckpointSaved::step).toList());
    for (CheckpointSaved c : JobFacts.ofType(facts, CheckpointSaved.class)) {
      assertTrue(artifacts.exists(BucketLayout.checkpoint(id, c.step())), c.toString());
    }

    // TrainingCompleted carries what the evaluator and the registry need.
    TrainingCompleted done = JobFacts.ofType(facts, TrainingCompleted.class).get(0);
    String prefix = BucketLayout.adapter(id);
    assertEquals(TEAM, done.team());
    assertEquals(MODEL, done.baseModel());
    assertEquals("main", done.baseRevision());
    assertEquals("lora", done.method());
    assertEquals(artifacts.objects().uri(prefix), done.outputUri());
    assertEquals(
        Sha256.of(artifacts.objects().getBytes(prefix + ArtifactManifest.FILE_NAME)),
        done.outputSha256());
    assertEquals(DATASET, done.datasetName());
    assertEquals("v1", done.datasetVersion());
    assertEquals(
        Sha256.of(TestBucket.chats(8).getBytes(java.nio.charset.StandardCharsets.UTF_8)),
        done.datasetSha256());
    assertEquals(artifacts.objects().uri(BucketLayout.validation(id)), done.validationUri());
    assertEquals("smoke", done.suite());
    assertEquals("sums", done.suffix());
    assertEquals(4, ((Number) done.config().get("lora_r")).intValue());
    assertEquals(6, done.steps());
    assertEquals(job.path("trained_tokens").asLong(), done.trainedTokens());
    assertTrue(Double.isFinite(done.finalLoss()) && done.finalLoss() > 0, "" + done.finalLoss());
    assertTrue(done.wallTimeSeconds() > 0);
    assertTrue(done.metrics().containsKey("valid_loss"), done.metrics().toString());

    // The API shows the same story.
    given()
        .get("/v1/fine_tuning/jobs/" + id + "/checkpoints")
        .then()
        .statusCode(200)
        .body("data.step_number", equalTo(List.of(6, 3)))
        .body("data[0].object", equalTo("fine_tuning.job.checkpoint"))
        .body(
            "data[0].fine_tuned_model_checkpoint",
            equalTo(artifacts.objects().uri(BucketLayout.checkpoint(id, 6))));
    List<String> messages =
        given()
            .get("/v1/fine_tuning/jobs/" + id + "/events?limit=100")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("data.message");
    assertTrue(
        messages.get(0).startsWith("The job has successfully completed"), messages.toString());
    assertTrue(messages.get(messages.size() - 1).startsWith("Created fine-tuning job"));
  }

  @Test
  void aRequestDeliveredThreeTimesRunsOnce() {
    String id = "ftjob-dup-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    TrainingRequested request =
        new TrainingRequested(
            id,
            MODEL,
            DATASET,
            "v1",
            "lora",
            java.util.Map.of(
                "adapter", "lora",
                "lora_r", 4,
                "sequence_len", 64,
                "max_steps", 4,
                "num_epochs", 1,
                "micro_batch_size", 2,
                "learning_rate", 2e-4,
                "seed", 5),
            null,
            5,
            TEAM,
            "main",
            null,
            null,
            null,
            null,
            null);
    // Straight to Kafka, as a platform team would: twice at once, once more after it ended.
    TestKafka.send(Topics.TRAINING_REQUESTS, request);
    TestKafka.send(Topics.TRAINING_REQUESTS, request);
    awaitStatus(id, "succeeded");
    TestKafka.send(Topics.TRAINING_REQUESTS, request);
    // A later job runs after the third delivery was read (one queue, in order of acceptance).
    String marker = create(tf -> tf.put("max_steps", 2));
    awaitStatus(marker, "succeeded");

    List<Event> facts = JobFacts.of(Topics.TRAINING_EVENTS, id);
    assertEquals(1, JobFacts.ofType(facts, TrainingStarted.class).size(), facts.toString());
    assertEquals(1, JobFacts.ofType(facts, TrainingCompleted.class).size(), facts.toString());
  }

  @Test
  void aRunningJobIsCancelledWithinAStepAndTheNextJobRuns() throws Exception {
    String longJob = create(tf -> tf.put("max_steps", 100000));
    String next = create(tf -> tf.put("max_steps", 2));

    // Follow the running job live over Server-Sent Events.
    List<String> stream = new CopyOnWriteArrayList<>();
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest sse =
        HttpRequest.newBuilder(
                URI.create(
                    RestAssured.baseURI
                        + ":"
                        + RestAssured.port
                        + "/v1/fine_tuning/jobs/"
                        + longJob
                        + "/events?stream=true"))
            .header("Authorization", "Bearer " + TestKeys.shared(TEAM, "viewer").secret())
            .build();
    var reading =
        http.sendAsync(sse, HttpResponse.BodyHandlers.ofLines())
            .thenAccept(
                r -> {
                  assertEquals(200, r.statusCode());
                  r.body()
                      .filter(l -> l.startsWith("data: "))
                      .forEach(l -> stream.add(l.substring(6)));
                });

    // Progress arrives while the job runs, before anything ends it.
    Awaitility.await()
        .atMost(JOB_WAIT)
        .until(() -> stream.stream().filter(l -> l.contains("\"type\":\"metrics\"")).count() >= 3);
    assertEquals("running", job(longJob).path("status").asText());
    assertEquals("queued", job(next).path("status").asText(), "one job at a time");

    given().post("/v1/fine_tuning/jobs/" + longJob + "/cancel").then().statusCode(200);
    JsonNode cancelled = awaitStatus(longJob, "cancelled");
    assertNull(cancelled.path("fine_tuned_model").textValue());
    awaitStatus(next, "succeeded");

    reading.get(60, java.util.concurrent.TimeUnit.SECONDS); // the stream ended with the job
    assertEquals("[DONE]", stream.get(stream.size() - 1));
    assertTrue(stream.get(stream.size() - 2).contains("cancelled"), stream.toString());
    assertTrue(stream.get(0).contains("Created fine-tuning job"), stream.get(0));

    List<Event> facts = JobFacts.of(Topics.TRAINING_EVENTS, longJob);
    List<TrainingCancelled> ends = JobFacts.ofType(facts, TrainingCancelled.class);
    assertEquals(1, ends.size(), facts.toString());
    assertNotNull(ends.get(0).step());
    assertTrue(ends.get(0).step() < 100000);
    assertTrue(JobFacts.ofType(facts, TrainingCompleted.class).isEmpty());
    assertFalse(artifacts.exists(BucketLayout.adapter(longJob)));
  }

  @Test
  void fullAndQloraJobsSucceedWithTheirArtifacts() throws Exception {
    String full = create(tf -> tf.put("adapter", "full").remove("lora_r"));
    String qlora = create(tf -> tf.put("adapter", "qlora"));
    JsonNode fullJob = awaitStatus(full, "succeeded");
    assertEquals(2.0e-5, fullJob.path("tuneforge").path("learning_rate").asDouble(), 1e-12);
    ArtifactManifest model = artifacts.manifest(BucketLayout.runModel(full));
    assertTrue(model.file("model.safetensors").isPresent(), model.toString());
    assertTrue(model.file("config.json").isPresent(), model.toString());
    assertTrue(model.file("tokenizer.json").isPresent(), model.toString());
    TrainingCompleted fullDone =
        JobFacts.ofType(JobFacts.of(Topics.TRAINING_EVENTS, full), TrainingCompleted.class).get(0);
    assertEquals("full", fullDone.method());
    assertEquals(artifacts.objects().uri(BucketLayout.runModel(full)), fullDone.outputUri());

    awaitStatus(qlora, "succeeded");
    ArtifactManifest adapter = artifacts.manifest(BucketLayout.adapter(qlora));
    assertTrue(adapter.file("adapter_model.safetensors").isPresent(), adapter.toString());
    assertEquals(
        "qlora",
        JobFacts.ofType(JobFacts.of(Topics.TRAINING_EVENTS, qlora), TrainingCompleted.class)
            .get(0)
            .method());
  }

  /**
   * A request published straight to Kafka skips the API's checks; the worker's (the same job
   * validator) turn a bad one into TrainingFailed naming the field, and the next job still runs.
   */
  @Test
  void aBadRequestPublishedStraightToKafkaFailsNamingTheField() {
    String badSetting = "ftjob-bad-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    String badModel = "ftjob-nomodel-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    java.util.Map<String, Object> settings =
        java.util.Map.of(
            "adapter", "lora", "lora_r", -1, "learning_rate", 2e-4, "max_steps", 2, "seed", 1);
    TestKafka.send(
        Topics.TRAINING_REQUESTS,
        new TrainingRequested(
            badSetting,
            MODEL,
            DATASET,
            "v1",
            "lora",
            settings,
            null,
            1,
            TEAM,
            "main",
            null,
            null,
            null,
            null,
            null));
    TestKafka.send(
        Topics.TRAINING_REQUESTS,
        new TrainingRequested(
            badModel,
            "no-such-model",
            DATASET,
            "v1",
            "lora",
            java.util.Map.of("learning_rate", 2e-4),
            null,
            1,
            TEAM,
            "main",
            null,
            null,
            null,
            null,
            null));
    String next = create(tf -> tf.put("max_steps", 2));
    JsonNode failed = awaitStatus(badSetting, "failed");
    assertEquals("invalid_request", failed.at("/error/code").asText(), failed.toString());
    assertEquals("tuneforge.lora_r", failed.at("/error/param").asText(), failed.toString());
    assertTrue(
        failed.path("error").path("message").asText().startsWith("tuneforge.lora_r: "),
        failed.toString());
    JsonNode noModel = awaitStatus(badModel, "failed");
    assertEquals("invalid_request", noModel.at("/error/code").asText(), noModel.toString());
    assertEquals("model", noModel.at("/error/param").asText(), noModel.toString());
    assertTrue(
        noModel.path("error").path("message").asText().startsWith("model: "), noModel.toString());
    awaitStatus(next, "succeeded");
  }

  @Test
  void aQueuedJobIsCancelledWithoutRunningAndTheJobsAfterItRun() {
    String running = create(tf -> tf.put("max_steps", 100000));
    String queued = create(tf -> tf.put("max_steps", 2));
    String after = create(tf -> tf.put("max_steps", 2));
    Awaitility.await()
        .atMost(JOB_WAIT)
        .until(() -> job(running).path("status").asText().equals("running"));
    given().post("/v1/fine_tuning/jobs/" + queued + "/cancel").then().statusCode(200);
    awaitStatus(queued, "cancelled");
    given().post("/v1/fine_tuning/jobs/" + running + "/cancel").then().statusCode(200);
    awaitStatus(running, "cancelled");
    awaitStatus(after, "succeeded");
    List<Event> facts = JobFacts.of(Topics.TRAINING_EVENTS, queued);
    assertTrue(JobFacts.ofType(facts, TrainingStarted.class).isEmpty(), facts.toString());
    assertEquals(1, JobFacts.ofType(facts, TrainingCancelled.class).size(), facts.toString());
    given()
        .post("/v1/fine_tuning/jobs/" + queued + "/cancel")
        .then()
        .statusCode(400)
        .body("error.code", equalTo("job_not_cancellable"));
  }
}
