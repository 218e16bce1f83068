package dev.tuneforge.trainer.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.events.Topics;
import dev.tuneforge.events.TrainingRequested;
import dev.tuneforge.storage.artifact.ArtifactStore;
import dev.tuneforge.testing.RealStackResource;
import dev.tuneforge.testing.TestKafka;
import dev.tuneforge.testing.TestKeys;
import dev.tuneforge.trainer.TestBucket;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code /v1/fine_tuning/jobs} without workers: what is accepted (and recorded on Kafka) and what
 * is refused with the field named, who may see which job, lists, filters and paging.
 */
@QuarkusTest
@WithTestResource(RealStackResource.class)
class FineTuningJobsApiTest {

  static final String TEAM = "api-team";
  static final String OTHER = "api-other";
  static final String MODEL = "tiny-api";

  /** A model whose config.json alone is stored: about 70 B parameters, for method checks. */
  static final String HUGE = "huge-api";

  static final ObjectMapper JSON = new ObjectMapper();
  static boolean published;

  /** An uploaded file of the other team. */
  static final String OTHER_FILE = "file-otherteam000000000000000";

  @Inject ArtifactStore artifacts;

  @BeforeEach
  void bucket() {
    if (!published) {
      TestBucket.publishTinyModel(artifacts, MODEL);
      TestBucket.publishDataset(artifacts, TEAM, "chats-a", "v1", TestBucket.chats(8));
      TestBucket.publishDataset(artifacts, OTHER, "chats-b", "v1", TestBucket.chats(8));
      TestBucket.publishConfigOnlyModel(artifacts, HUGE, TestBucket.hugeConfig());
      TestBucket.publishUploadedFile(
          artifacts, OTHER_FILE, OTHER, "processed", TestBucket.chats(12));
      published = true;
    }
  }

  static String trainer(String team) {
    return "Bearer " + TestKeys.shared(team, "trainer").secret();
  }

  static ObjectNode body() {
    ObjectNode b = JSON.createObjectNode();
    b.put("model", MODEL);
    b.put("training_file", "chats-a");
    // one step: a worker of another test class may take these jobs up
    b.putObject("tuneforge").put("max_steps", 1).put("sequence_len", 64);
    return b;
  }

  static ValidatableResponse create(String auth, ObjectNode body) {
    return given()
        .header("Authorization", auth)
        .contentType(ContentType.JSON)
        .body(body.toString())
        .post("/v1/fine_tuning/jobs")
        .then();
  }

  @Test
  void anAcceptedJobIsQueuedWithResolvedSettingsAndRecordedOnKafka() {
    String tag = UUID.randomUUID().toString();
    ObjectNode b = body();
    b.put("training_file", "chats-a@v1");
    b.putObject("hyperparameters").put("n_epochs", 2).put("learning_rate_multiplier", 0.5);
    b.put("suffix", "unit");
    b.put("seed", 11);
    b.putObject("metadata").put("run", tag);
    b.putObject("tuneforge").put("lora_r", 4).put("max_steps", 3).put("evaluation_suite", "smoke");
    String id =
        create(trainer(TEAM), b)
            .statusCode(200)
            .body("id", startsWith("ftjob-"))
            .body("object", equalTo("fine_tuning.job"))
            .body("status", equalTo("queued"))
            .body("organization_id", equalTo(TEAM))
            .body("model", equalTo(MODEL))
            .body("training_file", equalTo("chats-a@v1"))
            .body("hyperparameters.n_epochs", equalTo(2))
            .body("hyperparameters.batch_size", equalTo(1)) // auto: 8 records → 1
            .body("hyperparameters.learning_rate_multiplier", equalTo(0.5f))
            .body("method.type", equalTo("supervised"))
            .body("seed", equalTo(11))
            .body("suffix", equalTo("unit"))
            .body("metadata.run", equalTo(tag))
            .body("fine_tuned_model", nullValue())
            .body("tuneforge.lora_r", equalTo(4))
            .body("tuneforge.adapter", equalTo("lora"))
            .body("tuneforge.learning_rate", equalTo(1.0e-4f))
            .body("tuneforge.evaluation_suite", equalTo("smoke"))
            .extract()
            .path("id");

    // Readable at once (read-your-writes), and recorded as the fact the workers consume.
    given()
        .header("Authorization", trainer(TEAM))
        .get("/v1/fine_tuning/jobs/" + id)
        .then()
        .statusCode(200)
        .body("status", equalTo("queued"));
    var records =
        TestKafka.await(
            Topics.TRAINING_REQUESTS, 1, r -> id.equals(r.key()), Duration.ofSeconds(30));
    TrainingRequested r = TestKafka.decode(records.get(0)).payloadAs(TrainingRequested.class);
    assertEquals(TEAM, r.team());
    assertEquals("main", r.baseRevision());
    assertEquals("v1", r.datasetVersion());
    assertEquals("smoke", r.suite());
    assertEquals(3, ((Number) r.hyperparameters().get("max_steps")).intValue());
    assertEquals(2, ((Number) r.hyperparameters().get("num_epochs")).intValue());
    assertEquals(11L, r.seed());

    // The events list shows the creation.
    given()
        .header("Authorization", trainer(TEAM))
        .get("/v1/fine_tuning/jobs/" + id + "/events")
        .then()
        .statusCode(200)
        .body("object", equalTo("list"))
        .body("data[0].object", equalTo("fine_tuning.job.event"))
        .body("data[0].message", startsWith("Created fine-tuning job"));
  }

  static Stream<Arguments> badRequests() {
    return Stream.of(
        bad("model", b -> b.put("model", "no-such-model")),
        bad("training_file", b -> b.put("training_file", "no-such-dataset")),
        bad("training_file", b -> b.put("training_file", "chats-a@v9")),
        bad("training_file", b -> b.put("training_file", "chats-b")), // another team's
        bad("validation_file", b -> b.put("validation_file", "chats-b@v1")),
        bad("hyperparameters.n_epochs", b -> b.putObject("hyperparameters").put("n_epochs", 0)),
        bad(
            "hyperparameters.batch_size",
            b -> b.putObject("hyperparameters").put("batch_size", "big")),
        bad(
            "hyperparameters.learning_rate_multiplier",
            b -> b.putObject("hyperparameters").put("learning_rate_multiplier", -1)),
        bad("method.type", b -> b.putObject("method").put("type", "dpo")),
        bad(
            "method.supervised.hyperparameters.n_epochs",
            b ->
                b.putObject("method")
                    .put("type", "supervised")
                    .putObject("supervised")
                    .putObject("hyperparameters")
                    .put("n_epochs", -3)),
        bad("tuneforge.lora_r", b -> b.putObject("tuneforge").put("lora_r", -1)),
        bad("tuneforge.adapter", b -> b.putObject("tuneforge").put("adapter", "prefix")),
        bad("tuneforge.sequence_len", b -> b.putObject("tuneforge").put("sequence_len", 4096)),
        bad("tuneforge.lr_scheduler", b -> b.putObject("tuneforge").put("lr_scheduler", "zigzag")),
        bad("tuneforge.bogus", b -> b.putObject("tuneforge").put("bogus", 1)),
        bad(
            "tuneforge.lora_r",
            b -> b.putObject("tuneforge").put("adapter", "full").put("lora_r", 8)),
        bad("suffix", b -> b.put("suffix", "no spaces")),
        bad("seed", b -> b.put("seed", "x")),
        bad("metadata.k", b -> b.putObject("metadata").put("k", 3)),
        bad("model", b -> b.remove("model")),
        bad("training_file", b -> b.put("training_file", "file-abc")),
        bad("learning_rate", b -> b.put("learning_rate", 0.1)),
        // a method the model cannot run
        bad(
            "tuneforge.lora_target_modules",
            b ->
                b.putObject("tuneforge")
                    .putArray("lora_target_modules")
                    .add("q_proj")
                    .add("c_attn")),
        bad(
            "tuneforge.adapter",
            b -> {
              b.put("model", HUGE);
              b.putObject("tuneforge").put("adapter", "full").put("sequence_len", 64);
            }),
        bad(
            "tuneforge.adapter",
            b -> {
              b.put("model", HUGE);
              b.putObject("tuneforge").put("adapter", "lora").put("sequence_len", 64);
            }),
        // uploaded files that are unknown or not the caller's team's
        bad("training_file", b -> b.put("training_file", "file-aaaaaaaaaaaaaaaaaaaaaaaa")),
        bad("training_file", b -> b.put("training_file", OTHER_FILE)),
        bad("validation_file", b -> b.put("validation_file", "file-aaaaaaaaaaaaaaaaaaaaaaaa")),
        bad("validation_file", b -> b.put("validation_file", OTHER_FILE)));
  }

  static Arguments bad(String param, Consumer<ObjectNode> change) {
    ObjectNode b = body();
    change.accept(b);
    return Arguments.of(param, b.toString());
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("badRequests")
  void aBadRequestIsRefusedNamingTheField(String param, String body) {
    int before = jobsOf(TEAM).size();
    given()
        .header("Authorization", trainer(TEAM))
        .contentType(ContentType.JSON)
        .body(body)
        .post("/v1/fine_tuning/jobs")
        .then()
        .statusCode(400)
        .body("error.type", equalTo("invalid_request_error"))
        .body("error.param", equalTo(param))
        .body("error.message", startsWith(param + ": "));
    assertEquals(before, jobsOf(TEAM).size(), "a refused request creates no job");
  }

  @Test
  void anotherTeamsJobIsNotFoundAndNotListed() {
    String id = create(trainer(TEAM), body()).statusCode(200).extract().path("id");
    String other = trainer(OTHER);
    for (String path : List.of("", "/events", "/checkpoints")) {
      given()
          .header("Authorization", other)
          .get("/v1/fine_tuning/jobs/" + id + path)
          .then()
          .statusCode(404)
          .body("error.code", equalTo("not_found"));
    }
    given()
        .header("Authorization", other)
        .post("/v1/fine_tuning/jobs/" + id + "/cancel")
        .then()
        .statusCode(404);
    given()
        .header("Authorization", other)
        .get("/v1/fine_tuning/jobs?limit=100")
        .then()
        .statusCode(200)
        .body("data.id", not(hasItem(id)));
  }

  @Test
  void aViewerReadsButCannotCreateOrCancel() {
    String id = create(trainer(TEAM), body()).statusCode(200).extract().path("id");
    String viewer = "Bearer " + TestKeys.shared(TEAM, "viewer").secret();
    create(viewer, body()).statusCode(403);
    given()
        .header("Authorization", viewer)
        .post("/v1/fine_tuning/jobs/" + id + "/cancel")
        .then()
        .statusCode(403);
    given()
        .header("Authorization", viewer)
        .get("/v1/fine_tuning/jobs/" + id)
        .then()
        .statusCode(200);
    given().get("/v1/fine_tuning/jobs/" + id).then().statusCode(401);
  }

  @Test
  void listsPageNewestFirstAndFilterByMetadata() {
    String tag = UUID.randomUUID().toString();
    String[] ids = new String[3];
    for (int i = 0; i < 3; i++) {
      ObjectNode b = body();
      b.putObject("metadata").put("batch", tag).put("n", Integer.toString(i));
      ids[i] = create(trainer(TEAM), b).statusCode(200).extract().path("id");
    }
    String auth = trainer(TEAM);
    var page1 =
        given()
            .header("Authorization", auth)
            .get("/v1/fine_tuning/jobs?limit=2&metadata[batch]=" + tag)
            .then()
            .statusCode(200)
            .body("has_more", equalTo(true))
            .extract()
            .jsonPath();
    List<String> first = page1.getList("data.id");
    given()
        .header("Authorization", auth)
        .get(
            "/v1/fine_tuning/jobs?limit=2&metadata[batch]="
                + tag
                + "&after="
                + page1.getString("last_id"))
        .then()
        .statusCode(200)
        .body("has_more", equalTo(false))
        .body("data.id", equalTo(List.of(ids[0])));
    assertEquals(List.of(ids[2], ids[1]), first, "newest first");
    given()
        .header("Authorization", auth)
        .get("/v1/fine_tuning/jobs?metadata[batch]=" + tag + "&metadata[n]=1")
        .then()
        .statusCode(200)
        .body("data.id", equalTo(List.of(ids[1])))
        .body("first_id", notNullValue());
  }

  @Test
  void aQueuedJobCanBeCancelledOnceRequested() {
    String id = create(trainer(TEAM), body()).statusCode(200).extract().path("id");
    given()
        .header("Authorization", trainer(TEAM))
        .post("/v1/fine_tuning/jobs/" + id + "/cancel")
        .then()
        .statusCode(200)
        .body("id", equalTo(id));
    var records =
        TestKafka.await(
            Topics.TRAINING_REQUESTS,
            2,
            r -> id.equals(r.key()),
            Duration.ofSeconds(30)); // the request and the cancellation
    assertEquals(
        "CancelRequested", TestKafka.decode(records.get(1)).payload().getClass().getSimpleName());
  }

  static List<Object> jobsOf(String team) {
    return given()
        .header("Authorization", trainer(team))
        .get("/v1/fine_tuning/jobs?limit=100")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        .getList("data");
  }
}
