package dev.tuneforge.trainer.files;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.artifact.ArtifactManifest;
import dev.tuneforge.events.Event;
import dev.tuneforge.events.ResultFileId;
import dev.tuneforge.events.Topics;
import dev.tuneforge.events.TrainingCompleted;
import dev.tuneforge.events.TrainingNoted;
import dev.tuneforge.events.TrainingRequested;
import dev.tuneforge.events.TrainingStarted;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.artifact.ArtifactStore;
import dev.tuneforge.testing.RealStackResource;
import dev.tuneforge.testing.TestKafka;
import dev.tuneforge.testing.TestKeys;
import dev.tuneforge.trainer.TestBucket;
import dev.tuneforge.trainer.worker.JobFacts;
import dev.tuneforge.trainer.worker.WorkersOn;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Jobs that name uploaded files ({@code training_file}/{@code validation_file} = {@code file-…}),
 * on the real broker and bucket with the workers on: the file is curated with default options on
 * the way (once: a second job reuses the version), the job shows the ids it was given and trains;
 * an unknown file, another team's, a file that failed validation or that curation rejects is a 400
 * naming the field. A finished job lists its result file, whose CSV rows are the job's metrics
 * events. A request published straight to Kafka with a file id is curated the same way without
 * holding the records behind it, and an unknown or rejected file fails it with the field named.
 */
@QuarkusTest
@TestProfile(WorkersOn.class)
@WithTestResource(RealStackResource.class)
class FileJobsTest {

  static final String TEAM = "files-team";
  static final String OTHER = "files-other";
  static final String MODEL = "tiny-files";
  static final ObjectMapper JSON = new ObjectMapper();
  static CurationStandIn datasetService;

  @Inject ArtifactStore artifacts;

  @BeforeEach
  void stack() {
    if (datasetService == null) {
      TestBucket.publishTinyModel(artifacts, MODEL);
      datasetService = new CurationStandIn(artifacts, TEAM);
    }
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (datasetService != null) {
      datasetService.close();
      datasetService = null;
    }
  }

  static String auth(String team) {
    return "Bearer " + TestKeys.shared(team, "trainer").secret();
  }

  static ObjectNode body(String trainingFile) {
    ObjectNode b = JSON.createObjectNode();
    b.put("model", MODEL);
    b.put("training_file", trainingFile);
    b.put("seed", 3);
    b.putObject("hyperparameters").put("n_epochs", 1).put("batch_size", 2);
    b.putObject("tuneforge")
        .put("lora_r", 4)
        .put("sequence_len", 64)
        .put("max_steps", 4)
        .put("eval_steps", 2);
    return b;
  }

  static ValidatableResponse create(String team, ObjectNode body) {
    return given()
        .header("Authorization", auth(team))
        .contentType(ContentType.JSON)
        .body(body.toString())
        .post("/v1/fine_tuning/jobs")
        .then();
  }

  String upload(String team, String status, int records) {
    String id = TestBucket.newFileId();
    TestBucket.publishUploadedFile(artifacts, id, team, status, TestBucket.chats(records));
    return id;
  }

  JsonNode get(String path) throws Exception {
    return JSON.readTree(
        given()
            .header("Authorization", auth(TEAM))
            .get(path)
            .then()
            .statusCode(200)
            .extract()
            .asString());
  }

  @Test
  void aJobOnUploadedFilesCuratesThemOnceTrainsAndListsItsResultFile() throws Exception {
    String train = upload(TEAM, "processed", 12);
    String valid = upload(TEAM, "processed", 10);
    ObjectNode b = body(train);
    b.put("validation_file", valid);
    String id =
        create(TEAM, b)
            .statusCode(200)
            .body("training_file", equalTo(train))
            .body("validation_file", equalTo(valid))
            .body("tuneforge.dataset", equalTo(train + "@v1"))
            .extract()
            .path("id");
    var records =
        TestKafka.await(
            Topics.TRAINING_REQUESTS, 1, r -> id.equals(r.key()), Duration.ofSeconds(30));
    TrainingRequested r = TestKafka.decode(records.get(0)).payloadAs(TrainingRequested.class);
    assertEquals(train, r.datasetName(), "the dataset is named after the file it came from");
    assertEquals("v1", r.datasetVersion());
    assertEquals(valid, r.validationName());
    assertEquals(train, r.trainingFile());
    assertEquals(valid, r.validationFile());

    // A second job on the same file reuses the curated version: no second curation.
    create(TEAM, body(train)).statusCode(200).body("training_file", equalTo(train));
    assertEquals(1, datasetService.requests(train), "the file was curated once");
    assertEquals(1, datasetService.requests(valid));

    Awaitility.await()
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> get("/v1/fine_tuning/jobs/" + id).path("status").asText(),
            s -> !s.equals("queued") && !s.equals("running"));
    JsonNode job = get("/v1/fine_tuning/jobs/" + id);
    assertEquals("succeeded", job.path("status").asText(), job.toString());
    assertEquals(ResultFileId.of(id), job.path("result_files").path(0).asText(), job.toString());

    // The result file: OpenAI's columns, one row per step of the job's metrics events.
    ArtifactManifest m = artifacts.manifest(BucketLayout.metrics(id));
    assertEquals(TEAM, m.metadata("team").asText());
    String csv;
    try (InputStream in =
        artifacts.open(BucketLayout.metrics(id), m.file("step_metrics.csv").orElseThrow())) {
      csv = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<String> lines = csv.lines().toList();
    assertEquals(
        "step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy", lines.get(0));
    Map<Long, String[]> expected = new TreeMap<>(); // step -> {train_loss, valid_loss}
    for (JsonNode e : get("/v1/fine_tuning/jobs/" + id + "/events?limit=100").path("data")) {
      if (e.path("type").asText().equals("metrics")) {
        String[] row =
            expected.computeIfAbsent(e.at("/data/step").asLong(), s -> new String[] {"", ""});
        if (e.at("/data/train_loss").isNumber()) {
          row[0] = Double.toString(e.at("/data/train_loss").asDouble());
        }
        if (e.at("/data/valid_loss").isNumber()) {
          row[1] = Double.toString(e.at("/data/valid_loss").asDouble());
        }
      }
    }
    List<String> want = new ArrayList<>();
    expected.forEach((step, row) -> want.add(step + "," + row[0] + ",," + row[1] + ","));
    assertEquals(want, lines.subList(1, lines.size()));
    assertEquals(List.of(1L, 2L, 4L), List.copyOf(expected.keySet()));
    assertTrue(!expected.get(2L)[1].isEmpty(), "the evaluation at step 2 fills valid_loss: " + csv);
    assertTrue(!expected.get(1L)[0].isEmpty(), csv);
  }

  @Test
  void anUnknownFileIsRefusedNamingTheField() {
    create(TEAM, body("file-aaaaaaaaaaaaaaaaaaaaaaaa"))
        .statusCode(400)
        .body("error.param", equalTo("training_file"))
        .body(
            "error.message", startsWith("training_file: no file 'file-aaaaaaaaaaaaaaaaaaaaaaaa'"));
  }

  @Test
  void anotherTeamsFileIsRefusedAsIfItDidNotExist() {
    String theirs = upload(OTHER, "processed", 12);
    create(TEAM, body(theirs))
        .statusCode(400)
        .body("error.param", equalTo("training_file"))
        .body("error.message", startsWith("training_file: no file '" + theirs + "'"));
    assertEquals(0, datasetService.requests(theirs), "nothing was curated");
  }

  @Test
  void aFileThatFailedValidationIsRefused() {
    String bad = upload(TEAM, "error", 12);
    create(TEAM, body(bad))
        .statusCode(400)
        .body("error.param", equalTo("training_file"))
        .body("error.message", org.hamcrest.Matchers.containsString("did not pass validation"));
  }

  @Test
  void aFileCurationRejectsIsRefusedWithTheReason() {
    String few = upload(TEAM, "processed", 5);
    create(TEAM, body(few))
        .statusCode(400)
        .body("error.param", equalTo("training_file"))
        .body("error.message", org.hamcrest.Matchers.containsString("min_train_records: only 5"));
  }

  /** The resolved settings of a request published straight to Kafka. */
  static final Map<String, Object> SETTINGS =
      Map.of(
          "adapter", "lora",
          "lora_r", 4,
          "sequence_len", 64,
          "max_steps", 2,
          "num_epochs", 1,
          "micro_batch_size", 2,
          "learning_rate", 2e-4,
          "seed", 3);

  /** A request as a platform team publishes it straight to Kafka, naming an uploaded file. */
  static TrainingRequested publishedRequest(String jobId, String trainingFile) {
    return new TrainingRequested(
        jobId,
        MODEL,
        trainingFile,
        "latest", // a placeholder: the trainer finds the file's curated dataset
        "lora",
        SETTINGS,
        null,
        3,
        TEAM,
        "main",
        null,
        null,
        null,
        null,
        null,
        trainingFile,
        null);
  }

  JsonNode awaitEnd(String id) throws Exception {
    Awaitility.await()
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> get("/v1/fine_tuning/jobs/" + id).path("status").asText(),
            s -> !s.equals("queued") && !s.equals("running"));
    return get("/v1/fine_tuning/jobs/" + id);
  }

  /** A job id the requests topic puts in the same partition as {@code other}'s. */
  static String inThePartitionOf(String other, String prefix) {
    int partitions = 3; // Topics.SPECS: the requests topic's partitions
    while (true) {
      String id = prefix + java.util.UUID.randomUUID().toString().substring(0, 8);
      if (partition(id, partitions) == partition(other, partitions)) {
        return id;
      }
    }
  }

  static int partition(String key, int count) {
    return org.apache.kafka.common.utils.Utils.toPositive(
            org.apache.kafka.common.utils.Utils.murmur2(key.getBytes(StandardCharsets.UTF_8)))
        % count;
  }

  /**
   * A request published straight to Kafka with a file id has the file curated as the API does, and
   * while the curation is unanswered the records behind it on its partition are handled: a job
   * requested after it runs and ends first; then it trains on the curated dataset.
   */
  @Test
  void aPublishedRequestNamingAFileIsCuratedWithoutHoldingTheRecordsBehindIt() throws Exception {
    String file = upload(TEAM, "processed", 12);
    String plain = "plain-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    TestBucket.publishDataset(artifacts, TEAM, plain, "v1", TestBucket.chats(8));
    datasetService.hold(file);
    String slow = "ftjob-kfile-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    String behind = inThePartitionOf(slow, "ftjob-kbehind-");
    TestKafka.send(Topics.TRAINING_REQUESTS, publishedRequest(slow, file));
    TestKafka.send(
        Topics.TRAINING_REQUESTS,
        new TrainingRequested(
            behind, MODEL, plain, "v1", "lora", SETTINGS, null, 3, TEAM, "main", null, null, null,
            null, null));

    JsonNode done = awaitEnd(behind);
    assertEquals("succeeded", done.path("status").asText(), done.toString());
    assertEquals(1, datasetService.requests(file), "the file's curation was requested");
    JsonNode waiting = get("/v1/fine_tuning/jobs/" + slow);
    assertEquals("queued", waiting.path("status").asText(), waiting.toString());
    assertTrue(
        JobFacts.ofType(JobFacts.of(Topics.TRAINING_EVENTS, slow), TrainingStarted.class).isEmpty(),
        "the job waits for its curation, not a slot");

    datasetService.release(file);
    JsonNode job = awaitEnd(slow);
    assertEquals("succeeded", job.path("status").asText(), job.toString());
    assertEquals(file, job.path("training_file").asText());
    List<Event> facts = JobFacts.of(Topics.TRAINING_EVENTS, slow);
    TrainingCompleted completed = JobFacts.ofType(facts, TrainingCompleted.class).get(0);
    assertEquals(file + "@v1", completed.datasetName() + "@" + completed.datasetVersion());
    assertTrue(
        JobFacts.ofType(facts, TrainingNoted.class).stream()
            .anyMatch(n -> n.message().contains("curated as dataset " + file + "@v1")),
        facts.toString());
    assertEquals(1, JobFacts.ofType(facts, TrainingStarted.class).size(), facts.toString());
  }

  @Test
  void aPublishedRequestNamingAnUnknownFileFailsWithFileNotFound() throws Exception {
    String id = "ftjob-knofile-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    TestKafka.send(Topics.TRAINING_REQUESTS, publishedRequest(id, "file-cccccccccccccccccccccccc"));
    JsonNode job = awaitEnd(id);
    assertEquals("failed", job.path("status").asText(), job.toString());
    assertEquals("file_not_found", job.at("/error/code").asText(), job.toString());
    assertEquals("training_file", job.at("/error/param").asText(), job.toString());
    assertTrue(
        job.at("/error/message").asText().startsWith("training_file: no file 'file-ccc"),
        job.toString());
    assertTrue(
        JobFacts.ofType(JobFacts.of(Topics.TRAINING_EVENTS, id), TrainingStarted.class).isEmpty());
  }

  @Test
  void aPublishedRequestNamingAFileCurationRejectsFailsWithDataError() throws Exception {
    String few = upload(TEAM, "processed", 5);
    String id = "ftjob-kfew-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    TestKafka.send(Topics.TRAINING_REQUESTS, publishedRequest(id, few));
    JsonNode job = awaitEnd(id);
    assertEquals("failed", job.path("status").asText(), job.toString());
    assertEquals("data_error", job.at("/error/code").asText(), job.toString());
    assertEquals("training_file", job.at("/error/param").asText(), job.toString());
    assertTrue(
        job.at("/error/message").asText().contains("min_train_records: only 5"), job.toString());
  }

  @Test
  void anUnknownValidationFileIsRefusedNamingTheField() {
    String train = upload(TEAM, "processed", 12);
    ObjectNode b = body(train);
    b.put("validation_file", "file-bbbbbbbbbbbbbbbbbbbbbbbb");
    create(TEAM, b).statusCode(400).body("error.param", equalTo("validation_file"));
  }
}
