package dev.tuneforge.dataset;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.events.DatasetCurated;
import dev.tuneforge.events.DatasetCurationRequested;
import dev.tuneforge.events.DatasetRejected;
import dev.tuneforge.events.Topics;
import dev.tuneforge.testing.RealStackResource;
import dev.tuneforge.testing.TestKafka;
import dev.tuneforge.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Upload → curate → versioned dataset in S3 → DatasetCurated on Kafka, and every bad request around
 * it.
 */
@QuarkusTest
@WithTestResource(RealStackResource.class)
class DatasetsApiTest {

  static final String TEAM = "datasets-test";

  @BeforeEach
  void actAsTrainer() {
    TestKeys.useByDefault(TestKeys.shared(TEAM, "trainer"));
  }

  @AfterEach
  void noDefaultKey() {
    TestKeys.clearDefault();
  }

  /**
   * {@code n} distinct chat records, one with an email address, plus {@code dups} exact repeats of
   * the first.
   */
  static String chats(int n, int dups, String salt) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      String user =
          i == 3
              ? "Mail me at ada" + salt + "@example.com about item " + i
              : "Question " + salt + " number " + i + " about arithmetic";
      sb.append("{\"messages\":[{\"role\":\"user\",\"content\":\"")
          .append(user)
          .append("\"},{\"role\":\"assistant\",\"content\":\"Answer ")
          .append(i * 7)
          .append("\"}]}\n");
    }
    String first = sb.substring(0, sb.indexOf("\n") + 1);
    sb.append(first.repeat(dups));
    return sb.toString();
  }

  static String uploadFile(String content) {
    return FilesApiTest.upload("data.jsonl", content.getBytes(StandardCharsets.UTF_8))
        .statusCode(200)
        .body("status", equalTo("processed"))
        .extract()
        .path("id");
  }

  static io.restassured.response.ValidatableResponse curate(Map<String, Object> body) {
    return given().contentType(ContentType.JSON).body(body).post("/v1/datasets").then();
  }

  @Test
  void uploadCurateAndDatasetCuratedEndToEnd() {
    String file = uploadFile(chats(40, 5, "e2e"));
    var created =
        curate(
                Map.of(
                    "name",
                    "support-e2e",
                    "training_files",
                    List.of(file),
                    "options",
                    Map.of("validation_ratio", 0.25, "pii", "redact")))
            .statusCode(201)
            .body("version", equalTo("v1"))
            .body("created", equalTo(true));
    String hash = created.extract().path("manifest.metadata.content_hash");
    int train = created.extract().path("manifest.metadata.counts.train");
    int validation = created.extract().path("manifest.metadata.counts.validation");
    assertEquals(40, train + validation, "40 distinct records, the 5 repeats dropped");
    assertTrue(validation > 0 && train > 0);

    var event =
        TestKafka.await(
            Topics.DATASET_EVENTS,
            1,
            r ->
                "support-e2e".equals(r.key())
                    && TestKafka.decode(r).payload() instanceof DatasetCurated,
            Duration.ofSeconds(30));
    DatasetCurated curated = (DatasetCurated) TestKafka.decode(event.get(0)).payload();
    assertEquals("v1", curated.version());
    assertEquals(hash, curated.sha256());
    assertEquals(train, curated.trainCount());
    assertEquals(5, curated.droppedCount());
    assertEquals(List.of(file), curated.sourceFileIds());

    var version = given().get("/v1/datasets/support-e2e/versions/v1").then().statusCode(200);
    version
        .body("manifest.kind", equalTo("dataset"))
        .body(
            "manifest.files.path",
            equalTo(List.of("report.json", "train.jsonl", "validation.jsonl")))
        .body(
            "manifest.files.find { it.path == 'train.jsonl' }.sha256",
            org.hamcrest.Matchers.matchesPattern("[0-9a-f]{64}"))
        .body("manifest.metadata.source_files[0].id", equalTo(file))
        .body("uri", equalTo("datasets/support-e2e/v1/"))
        .body("report.rules.find { it.rule == 'exact_dedup' }.dropped", equalTo(5))
        .body("report.rules.find { it.rule == 'pii' }.changed", equalTo(1));
    String preview =
        given()
            .get("/v1/datasets/support-e2e/versions/v1/preview?split=train&limit=50")
            .then()
            .statusCode(200)
            .body("data", hasSize(train))
            .extract()
            .asString();
    assertTrue(!preview.contains("example.com"), "emails are redacted in the curated split");
    given().get("/v1/datasets").then().statusCode(200).body("data.name", hasItem("support-e2e"));
    given()
        .get("/v1/datasets/support-e2e")
        .then()
        .statusCode(200)
        .body("versions", equalTo(List.of("v1")));

    // Same input and options: the same version comes back and nothing new is stored.
    curate(
            Map.of(
                "name",
                "support-e2e",
                "training_files",
                List.of(file),
                "options",
                Map.of("validation_ratio", 0.25, "pii", "redact")))
        .statusCode(200)
        .body("version", equalTo("v1"))
        .body("created", equalTo(false))
        .body("manifest.metadata.content_hash", equalTo(hash));
    // Other options: a new version, the first untouched.
    curate(
            Map.of(
                "name",
                "support-e2e",
                "training_files",
                List.of(file),
                "options",
                Map.of("validation_ratio", 0.5)))
        .statusCode(201)
        .body("version", equalTo("v2"));
    given()
        .get("/v1/datasets/support-e2e/versions/v1")
        .then()
        .statusCode(200)
        .body("manifest.metadata.content_hash", equalTo(hash));
  }

  @Test
  void fileOfOnlyDuplicatesIsRejectedWithTheRuleThatDroppedThem() {
    String line =
        "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\"}]}\n";
    String file = uploadFile(line.repeat(50));
    curate(Map.of("name", "dups-only", "training_files", List.of(file)))
        .statusCode(400)
        .body("error.message", containsString("exact_dedup dropped 49"))
        .body("error.message", containsString("min_train_records"));
    TestKafka.await(
        Topics.DATASET_EVENTS,
        1,
        r ->
            "dups-only".equals(r.key()) && TestKafka.decode(r).payload() instanceof DatasetRejected,
        Duration.ofSeconds(30));
    given().get("/v1/datasets/dups-only").then().statusCode(404);
  }

  @Test
  void namesThatCouldEscapeTheirFolderAreRefused() {
    String file = uploadFile(chats(12, 0, "names"));
    for (String bad : List.of("../evil", "a/b", "..", "x.y", "", "-lead")) {
      curate(Map.of("name", bad, "training_files", List.of(file)))
          .statusCode(400)
          .body("error.param", equalTo("name"));
    }
    given().get("/v1/datasets/..%2Fevil").then().statusCode(404);
  }

  @Test
  void badOptionsAndFilesAreNamed() {
    String good = uploadFile(chats(12, 0, "opts"));
    curate(
            Map.of(
                "name",
                "opts",
                "training_files",
                List.of(good),
                "options",
                Map.of("validaton_ratio", 0.1)))
        .statusCode(400)
        .body("error.message", containsString("options.validaton_ratio: unknown option"));
    curate(
            Map.of(
                "name",
                "opts",
                "training_files",
                List.of(good),
                "options",
                Map.of("validation_ratio", 1.5)))
        .statusCode(400)
        .body("error.message", containsString("options.validation_ratio"));
    curate(
            Map.of(
                "name",
                "opts",
                "training_files",
                List.of(good),
                "options",
                Map.of("max_tokens", 10)))
        .statusCode(400)
        .body("error.message", containsString("options.tokenizer"));
    curate(Map.of("name", "opts", "training_files", List.of("file-aaaaaaaaaaaaaaaaaaaaaaaa")))
        .statusCode(400)
        .body("error.message", containsString("no file 'file-aaaaaaaaaaaaaaaaaaaaaaaa'"));
    String broken =
        FilesApiTest.upload(
                "broken.jsonl", "{\"text\": \"a\"}\n{oops\n".getBytes(StandardCharsets.UTF_8))
            .statusCode(200)
            .body("status", equalTo("error"))
            .extract()
            .path("id");
    curate(Map.of("name", "opts", "training_files", List.of(broken)))
        .statusCode(400)
        .body("error.message", containsString("line 2"));
    curate(Map.of("name", "opts", "training_files", List.of()))
        .statusCode(400)
        .body("error.message", containsString("training_files"));
    given().get("/v1/datasets/opts").then().statusCode(404);
  }

  @Test
  void lengthFilterCountsWithTheBaseModelsTokenizer() throws Exception {
    // A base model's tokenizer in the bucket, published as a model artifact (HF layout, manifest).
    var artifacts =
        io.quarkus.arc.Arc.container()
            .instance(dev.tuneforge.storage.artifact.ArtifactStore.class)
            .get();
    java.nio.file.Path tok =
        java.nio.file.Path.of("../libs/llm/src/test/resources/tokenizers/bpe-chatml");
    artifacts.publish(
        tok,
        dev.tuneforge.storage.BucketLayout.model("tiny-chatml", "main"),
        dev.tuneforge.artifact.ArtifactKind.MODEL,
        Map.of());
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 12; i++) {
      sb.append("{\"messages\":[{\"role\":\"user\",\"content\":\"hi ")
          .append(i)
          .append("\"},{\"role\":\"assistant\",\"content\":\"ok\"}]}\n");
    }
    sb.append("{\"messages\":[{\"role\":\"user\",\"content\":\"")
        .append("a long question about many things ".repeat(40))
        .append("\"},{\"role\":\"assistant\",\"content\":\"ok\"}]}\n");
    String file = uploadFile(sb.toString());
    curate(
            Map.of(
                "name",
                "by-tokens",
                "training_files",
                List.of(file),
                "options",
                Map.of("tokenizer", "tiny-chatml", "max_tokens", 60)))
        .statusCode(201)
        .body("manifest.metadata.counts.train", equalTo(12));
    given()
        .get("/v1/datasets/by-tokens/versions/v1")
        .then()
        .body("report.rules.find { it.rule == 'length' }.dropped", equalTo(1))
        // The model's tokenizer is byte-level BPE, so bounds decide the short records; the long one
        // is counted for its sample's reason. The written records of a run this short are all
        // counted for the histogram (up to 8,192 written records are), so it is exact, not sampled.
        .body("report.tokenCounting.bounds", startsWith("byte-level BPE: ceil(bytes/13)"))
        .body("report.tokenCounting.decidedByBounds", equalTo(12))
        .body("report.tokenCounting.decidedByCount", equalTo(1))
        .body("report.tokenCounting.countedForHistogram", equalTo(12))
        .body("report.tokenCounting.counted", equalTo(13))
        .body("report.tokenLengths.sampled", equalTo(false))
        .body("report.tokenLengths.records", equalTo(12));
    curate(
            Map.of(
                "name",
                "by-tokens",
                "training_files",
                List.of(file),
                "options",
                Map.of("tokenizer", "no-such-model", "max_tokens", 60)))
        .statusCode(400)
        .body("error.message", containsString("no-such-model"));
    // Files without a manifest are not a model (an upload cut short looks exactly like this).
    artifacts
        .objects()
        .putFile("models/half-model/main/tokenizer.json", tok.resolve("tokenizer.json"));
    curate(
            Map.of(
                "name",
                "by-tokens",
                "training_files",
                List.of(file),
                "options",
                Map.of("tokenizer", "half-model", "max_tokens", 60)))
        .statusCode(400)
        .body("error.message", containsString("unknown tokenizer 'half-model'"));
    curate(
            Map.of(
                "name",
                "by-tokens",
                "training_files",
                List.of(file),
                "options",
                Map.of("tokenizer", "../x", "max_tokens", 60)))
        .statusCode(400)
        .body("error.message", containsString("invalid model name '../x'"));
  }

  @Test
  void curationRequestedOverKafkaIsAnsweredWithItsRequestId() {
    String file = uploadFile(chats(15, 0, "kafka"));
    TestKafka.send(
        Topics.DATASET_REQUESTS,
        new DatasetCurationRequested(
            "req-42", TEAM, "from-kafka", List.of(file), Map.of("validation_ratio", 0.2)));
    var records =
        TestKafka.await(
            Topics.DATASET_EVENTS, 1, r -> "from-kafka".equals(r.key()), Duration.ofSeconds(60));
    DatasetCurated curated = (DatasetCurated) TestKafka.decode(records.get(0)).payload();
    assertEquals("req-42", curated.requestId());
    assertEquals(TEAM, curated.team(), "the version belongs to the team the request named");
    assertEquals(15, curated.trainCount() + curated.validationCount());

    TestKafka.send(
        Topics.DATASET_REQUESTS,
        new DatasetCurationRequested("req-43", TEAM, "../bad", List.of(file), Map.of()));
    var rejected =
        TestKafka.await(
            Topics.DATASET_EVENTS, 1, r -> "../bad".equals(r.key()), Duration.ofSeconds(60));
    DatasetRejected reason = (DatasetRejected) TestKafka.decode(rejected.get(0)).payload();
    assertTrue(
        reason.reasons().get(0).contains("invalid dataset name"), reason.reasons().toString());

    TestKafka.sendRaw(
        Topics.DATASET_REQUESTS, "poison", "not json".getBytes(StandardCharsets.UTF_8));
    var dead =
        TestKafka.await(
            Topics.deadLetter("dataset-service"),
            1,
            r -> "poison".equals(r.key()),
            Duration.ofSeconds(60));
    assertTrue(TestKafka.header(dead.get(0), "dead-letter-reason").contains("broken JSON"));
  }
}
