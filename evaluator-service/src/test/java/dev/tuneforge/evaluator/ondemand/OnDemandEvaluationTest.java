package dev.tuneforge.evaluator.ondemand;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.oneOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.evaluator.metrics.Metrics;
import dev.tuneforge.evaluator.run.TinyTuning;
import dev.tuneforge.evaluator.service.TrainedModels;
import dev.tuneforge.evaluator.testing.Publish;
import dev.tuneforge.evaluator.testing.Records;
import dev.tuneforge.evaluator.testing.TinyModels;
import dev.tuneforge.events.EvaluationCompleted;
import dev.tuneforge.events.EvaluationRequested;
import dev.tuneforge.events.EvaluationTrigger;
import dev.tuneforge.events.EventEnvelope;
import dev.tuneforge.events.Topics;
import dev.tuneforge.events.TrainingCompleted;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.artifact.ArtifactStore;
import dev.tuneforge.testing.RealStackResource;
import dev.tuneforge.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/evaluations} on the real broker and S3 server: any model the team may use (a
 * fine-tuned id, a base model) evaluated on demand through the automatic evaluation's code path,
 * answered queued/running, then succeeded with its report under evaluations/&lt;id&gt;/ and an
 * EvaluationCompleted marked on_demand; bad requests name their field.
 */
@Tag("quarkus") // own JVM: see the surefire executions in pom.xml
@QuarkusTest
@WithTestResource(RealStackResource.class)
class OnDemandEvaluationTest {
  static final String SUITE =
      """
      name: doubles-od
      cases:
        - id: double-four
          prompt: Double of four
          expect: {type: exact, value: eight}
      """;

  @Inject ArtifactStore artifacts;
  @Inject TrainedModels trained;

  String team;
  String base;
  String dataset;
  String datasetUri;
  TestKeys.Key trainer;

  @BeforeEach
  void publishInputs() {
    String run = UUID.randomUUID().toString().substring(0, 8);
    team = "od-" + run;
    base = "tiny-od-" + run;
    dataset = "doubles-od-" + run;
    Publish.baseModel(artifacts, TinyModels.base(), base);
    datasetUri = Publish.dataset(artifacts, team, dataset, TinyTuning.chats());
    trainer = TestKeys.shared(team, "trainer");
  }

  String storeSuite() {
    return trainer
        .given()
        .contentType("application/yaml")
        .body(SUITE.getBytes(UTF_8))
        .post("/v1/evaluation/suites")
        .then()
        .statusCode(201)
        .extract()
        .path("ref");
  }

  /** A finished run of the team, evaluated automatically first; returns its completed event. */
  TrainingCompleted finishedRun(String jobId, String suite) {
    String uri = Publish.adapter(artifacts, TinyModels.adapter(), jobId);
    TrainingCompleted t =
        Publish.completed(
            jobId,
            team,
            base,
            uri,
            Publish.manifestSha256(artifacts, uri),
            datasetUri,
            suite,
            Map.of());
    Records.send(Topics.TRAINING_EVENTS, t);
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> trained.byJob(jobId).isPresent());
    return t;
  }

  String post(String body, int status) {
    return trainer
        .given()
        .contentType("application/json")
        .body(body)
        .post("/v1/evaluations")
        .then()
        .statusCode(status)
        .extract()
        .asString();
  }

  EvaluationCompleted awaitOutcome(String id) {
    EventEnvelope e =
        Records.withKey(Topics.EVALUATION_EVENTS, id, 2).stream()
            .filter(x -> x.payload() instanceof EvaluationCompleted)
            .findFirst()
            .orElseThrow(() -> new AssertionError("no EvaluationCompleted for " + id));
    return e.payloadAs(EvaluationCompleted.class);
  }

  @Test
  void aFineTunedModelIsEvaluatedOnDemandWithTheAutomaticEvaluationsFigures() throws Exception {
    String suite = storeSuite();
    String jobId = "ftjob-od" + UUID.randomUUID().toString().substring(0, 8);
    TrainingCompleted t = finishedRun(jobId, suite);
    String ft = TrainedModels.modelId(t);
    EvaluationCompleted automatic =
        Records.withKey(Topics.EVALUATION_EVENTS, jobId, 1)
            .get(0)
            .payloadAs(EvaluationCompleted.class);

    String id =
        trainer
            .given()
            .contentType("application/json")
            .body(
                "{\"model\": \""
                    + ft
                    + "\", \"suite\": \""
                    + suite
                    + "\", \"dataset\": \""
                    + dataset
                    + "@v1\"}")
            .post("/v1/evaluations")
            .then()
            .statusCode(200)
            .body("object", is("evaluation"))
            .body("status", oneOf("queued", "running"))
            .body("trigger", is(EvaluationTrigger.ON_DEMAND))
            .body("model", is(ft))
            .body("job_id", is(jobId))
            .body("suite", is(suite))
            .body("dataset", is(dataset + "@v1"))
            .extract()
            .path("id");

    EvaluationRequested requested =
        Records.withKey(Topics.EVALUATION_EVENTS, id, 1)
            .get(0)
            .payloadAs(EvaluationRequested.class);
    assertEquals(t.outputUri(), requested.outputUri());
    assertEquals(datasetUri, requested.datasetUri());

    EvaluationCompleted c = awaitOutcome(id);
    assertTrue(c.onDemand());
    assertEquals(jobId, c.jobId());
    assertEquals(team, c.team());
    assertEquals(t.outputUri(), c.outputUri());
    // the same model, suite and records as the automatic evaluation: the same figures
    assertEquals(automatic.metrics(), c.metrics());
    assertEquals(automatic.baseMetrics(), c.baseMetrics());
    assertEquals(automatic.deltas(), c.deltas());
    String prefix = BucketLayout.evaluation(id);
    assertEquals(artifacts.objects().uri(prefix + "report.json"), c.reportUri());
    assertTrue(artifacts.exists(prefix));

    TestKeys.Key viewer = TestKeys.shared(team, "viewer");
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                "succeeded"
                    .equals(
                        viewer
                            .given()
                            .get("/v1/evaluations/" + id)
                            .then()
                            .extract()
                            .path("status")));
    viewer
        .given()
        .get("/v1/evaluations/" + id)
        .then()
        .statusCode(200)
        .body("passed", is(c.passed()))
        .body("cases[0].id", is("double-four"))
        .body("samples.size()", is(11));
    viewer
        .given()
        .queryParam("job_id", jobId)
        .get("/v1/evaluations")
        .then()
        .statusCode(200)
        .body("data.size()", is(2))
        .body("data[0].id", is(id))
        .body("data[1].trigger", is(EvaluationTrigger.TRAINING_COMPLETED));
    // paged one at a time, newest first: the cursor is the last id of the previous page
    viewer
        .given()
        .queryParam("job_id", jobId)
        .queryParam("limit", 1)
        .get("/v1/evaluations")
        .then()
        .statusCode(200)
        .body("data.size()", is(1))
        .body("data[0].id", is(id))
        .body("last_id", is(id))
        .body("has_more", is(true));
    viewer
        .given()
        .queryParam("job_id", jobId)
        .queryParam("limit", 1)
        .queryParam("after", id)
        .get("/v1/evaluations")
        .then()
        .statusCode(200)
        .body("data.size()", is(1))
        .body("data[0].id", is(automatic.evaluationId()))
        .body("has_more", is(false));
    viewer
        .given()
        .queryParam("job_id", jobId)
        .queryParam("after", "eval-nope")
        .get("/v1/evaluations")
        .then()
        .statusCode(400)
        .body("error.param", is("after"));
    // the run's automatic evaluation is still its one automatic evaluation
    assertEquals(
        1,
        Records.withKey(Topics.EVALUATION_EVENTS, jobId, 1).stream()
            .filter(e -> e.payload() instanceof EvaluationCompleted)
            .count());
  }

  @Test
  void aBaseModelIsEvaluatedOnItsOwn() {
    String suite = storeSuite();
    String id =
        trainer
            .given()
            .contentType("application/json")
            .body("{\"model\": \"" + base + "\", \"suite\": \"" + suite.split("@")[0] + "\"}")
            .post("/v1/evaluations")
            .then()
            .statusCode(200)
            .body("job_id", is((Object) null))
            .body("suite", is(suite))
            .extract()
            .path("id");
    EvaluationCompleted c = awaitOutcome(id);
    assertNull(c.jobId());
    assertEquals(artifacts.objects().uri(BucketLayout.model(base, "main")), c.outputUri());
    assertEquals(c.baseMetrics(), c.metrics());
    assertEquals(0.0, c.deltas().get(Metrics.SUITE_PASS_RATE));
    assertEquals(0.0, c.metrics().get(Metrics.SUITE_PASS_RATE), c.toString());
    // an evaluation of no run is listed, and filtering by a run passes over it
    TestKeys.Key viewer = TestKeys.shared(team, "viewer");
    viewer.given().get("/v1/evaluations").then().statusCode(200).body("data[0].id", is(id));
    viewer
        .given()
        .queryParam("job_id", "ftjob-x")
        .get("/v1/evaluations")
        .then()
        .statusCode(200)
        .body("data.size()", is(0));
  }

  @Test
  void badRequestsNameTheirField() {
    String suite = storeSuite();
    String ok = "\"suite\": \"" + suite + "\"";
    assertParam(post("{\"model\": \"no-such-model\", " + ok + "}", 400), "model");
    assertParam(
        post("{\"model\": \"ft:" + base + ":" + team + ":x:ftjob-nope\", " + ok + "}", 400),
        "model");
    assertParam(post("{" + ok + "}", 400), "model");
    assertParam(post("{\"model\": \"" + base + "\", \"suite\": \"nope\"}", 400), "suite");
    assertParam(
        post("{\"model\": \"" + base + "\", \"suite\": \"doubles-od@000000000000\"}", 400),
        "suite");
    assertParam(
        post("{\"model\": \"" + base + "\", \"dataset\": \"" + dataset + "@v9\"}", 400), "dataset");
    assertParam(
        post("{\"model\": \"" + base + "\", \"dataset\": \"" + dataset + "\"}", 400), "dataset");
    String neither = post("{\"model\": \"" + base + "\"}", 400);
    assertParam(neither, "suite");
    assertTrue(neither.contains("required"), neither);
    assertParam(post("{\"model\": \"" + base + "\", " + ok + ", \"sweet\": 1}", 400), "sweet");
    assertParam(post("[1]", 400), "body");

    // another team's dataset looks absent
    String theirs = "theirs-" + UUID.randomUUID().toString().substring(0, 8);
    Publish.dataset(artifacts, "other-" + team, theirs, TinyTuning.chats());
    assertParam(
        post("{\"model\": \"" + base + "\", \"dataset\": \"" + theirs + "@v1\"}", 400), "dataset");

    TestKeys.shared(team, "viewer")
        .given()
        .contentType("application/json")
        .body("{\"model\": \"" + base + "\", " + ok + "}")
        .post("/v1/evaluations")
        .then()
        .statusCode(403);
  }

  @Test
  void anotherTeamsFineTunedModelIsNotFound() {
    String jobId = "ftjob-od" + UUID.randomUUID().toString().substring(0, 8);
    String uri = Publish.adapter(artifacts, TinyModels.adapter(), jobId);
    TrainingCompleted theirs =
        Publish.completed(jobId, "other-" + team, base, uri, null, null, null, Map.of());
    Records.send(Topics.TRAINING_EVENTS, theirs);
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> trained.byJob(jobId).isPresent());
    trainer
        .given()
        .contentType("application/json")
        .body("{\"model\": \"" + TrainedModels.modelId(theirs) + "\", \"suite\": \"x\"}")
        .post("/v1/evaluations")
        .then()
        .statusCode(404)
        .body("error.param", is("model"))
        .body("error.message", containsString("does not exist"));
  }

  static void assertParam(String body, String param) {
    assertEquals(param, JsonPath.from(body).getString("error.param"), body);
  }
}
