package dev.tuneforge.evaluator.auto;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.evaluator.metrics.Metrics;
import dev.tuneforge.evaluator.run.TinyTuning;
import dev.tuneforge.evaluator.suite.SuiteParser;
import dev.tuneforge.evaluator.testing.Publish;
import dev.tuneforge.evaluator.testing.Records;
import dev.tuneforge.evaluator.testing.TinyModels;
import dev.tuneforge.events.EvaluationCompleted;
import dev.tuneforge.events.EvaluationFailed;
import dev.tuneforge.events.EventEnvelope;
import dev.tuneforge.events.Topics;
import dev.tuneforge.events.TrainingCompleted;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.artifact.ArtifactStore;
import dev.tuneforge.testing.RealStackResource;
import dev.tuneforge.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Automatic evaluation end to end on the real broker and S3 server: a TrainingCompleted for a tiny
 * LoRA adapter (published where a run leaves it) is evaluated against its base and answered with
 * EvaluationCompleted, its report stored under evaluations/&lt;id&gt;/.
 */
@Tag("quarkus") // own JVM: see the surefire executions in pom.xml
@QuarkusTest
@WithTestResource(RealStackResource.class)
class AutomaticEvaluationTest {
  static final String SUITE =
      """
      name: doubles
      cases:
        - id: double-four
          prompt: Double of four
          expect: {type: exact, value: eight}
        - id: double-two-not-nine
          prompt: Double of two
          expect: {type: not_contains, value: nine}
      """;

  /** The toy adapter raises retention loss by a few nats; the job allows it explicitly. */
  static final Map<String, Object> GENEROUS =
      Map.of(
          JobEvaluation.GATE_CONFIG,
          Map.of("min_exact_match", 0.5, "max_retention_loss_increase", 10.0));

  @Inject ArtifactStore artifacts;
  @Inject AutoEvaluator evaluator;
  ObjectMapper json = new ObjectMapper();

  String team;
  String base;
  String validationUri;

  @BeforeEach
  void publishInputs() {
    String run = UUID.randomUUID().toString().substring(0, 8);
    team = "team-" + run;
    base = "tiny-" + run;
    Publish.baseModel(artifacts, TinyModels.base(), base);
    validationUri = Publish.validation(artifacts, "doubles-" + run, TinyTuning.chats());
  }

  /** Stores the suite through the API, as a user would; returns {@code name@version}. */
  String storeSuite(String yaml) {
    String ref =
        TestKeys.shared(team, "trainer")
            .given()
            .contentType("application/yaml")
            .body(yaml.getBytes(UTF_8))
            .post("/v1/evaluation/suites")
            .then()
            .statusCode(201)
            .extract()
            .path("ref");
    assertEquals(SuiteParser.parse(yaml).value().ref(), ref);
    return ref;
  }

  TrainingCompleted job(String jobId, String suite) {
    String uri = Publish.adapter(artifacts, TinyModels.adapter(), jobId);
    return Publish.completed(
        jobId,
        team,
        base,
        uri,
        Publish.manifestSha256(artifacts, uri),
        validationUri,
        suite,
        GENEROUS);
  }

  @Test
  void aFinishedRunIsEvaluatedOnceAgainstItsBaseHoweverOftenDelivered() throws Exception {
    String suite = storeSuite(SUITE);
    String jobId = "ftjob-" + UUID.randomUUID().toString().substring(0, 8);
    TrainingCompleted t = job(jobId, suite);
    Records.send(Topics.TRAINING_EVENTS, t);
    RecordMetadata again = Records.send(Topics.TRAINING_EVENTS, t);

    EventEnvelope first = Records.withKey(Topics.EVALUATION_EVENTS, jobId, 1).get(0);
    EvaluationCompleted c = first.payloadAs(EvaluationCompleted.class);
    // The bound: the evaluation starts within 2 s of the TrainingCompleted arriving (the
    // service's own measure, also logged). Tests run one at a time and the duplicate is skipped
    // before it is measured, so the last measured start is this job's.
    long startedAfter = evaluator.lastStartAfterArrivalMillis();
    assertTrue(startedAfter >= 0 && startedAfter < 2_000, "started after " + startedAfter + " ms");
    assertEquals(EvaluationIds.forJob(jobId), c.evaluationId());
    assertEquals(team, c.team());
    assertEquals(t.outputUri(), c.outputUri());
    assertEquals(suite, c.suite());
    assertTrue(c.passed(), c.reasons().toString());
    assertEquals(Metrics.KEYS, List.copyOf(c.metrics().keySet()));
    assertEquals(c.metrics().keySet(), c.baseMetrics().keySet());
    assertTrue(c.metrics().get(Metrics.EXACT_MATCH) >= 0.5, c.metrics().toString());
    assertTrue(c.baseMetrics().get(Metrics.EXACT_MATCH) <= 0.1, c.baseMetrics().toString());
    assertTrue(c.deltas().get(Metrics.VALIDATION_LOSS) < 0, c.deltas().toString());

    String prefix = BucketLayout.evaluation(c.evaluationId());
    assertEquals(artifacts.objects().uri(prefix + "report.json"), c.reportUri());
    assertTrue(artifacts.exists(prefix));
    JsonNode report = json.readTree(artifacts.objects().getBytes(prefix + "report.json"));
    assertEquals("double-four", report.at("/cases/0/id").asText());
    assertTrue(report.at("/cases/0/tuned_pass").asBoolean(), report.toString());
    assertFalse(report.at("/cases/0/base_pass").asBoolean(), report.toString());
    assertEquals(11, report.get("samples").size());
    String table =
        new String(artifacts.objects().getBytes(prefix + "cases.jsonl"), "UTF-8").strip();
    assertEquals(2, table.split("\n").length);

    // the second delivery is acknowledged without a second evaluation
    Records.awaitCommitted("evaluator-service", again, Duration.ofSeconds(60));
    assertEquals(1, Records.withKey(Topics.EVALUATION_EVENTS, jobId, 1).size());

    // the API shows it to the team, base and tuned side by side; to another team it does not exist
    TestKeys.Key viewer = TestKeys.shared(team, "viewer");
    viewer
        .given()
        .queryParam("job_id", jobId)
        .get("/v1/evaluations")
        .then()
        .statusCode(200)
        .body("data.size()", is(1))
        .body("data[0].id", is(c.evaluationId()))
        .body("data[0].passed", is(true))
        .body("has_more", is(false));
    viewer
        .given()
        .get("/v1/evaluations/" + c.evaluationId())
        .then()
        .statusCode(200)
        .body("job_id", is(jobId))
        .body("metrics.exact_match", notNullValue())
        .body("base_metrics.retention_loss", notNullValue())
        .body("deltas.validation_loss", notNullValue())
        .body("cases[0].id", is("double-four"))
        .body("cases[0].input", is("Double of four"))
        .body("cases[0].base_pass", is(false))
        .body("cases[0].tuned_pass", is(true))
        .body("cases[0].tuned_output", notNullValue())
        .body("cases[0].base_output", notNullValue())
        .body("samples.size()", is(11));
    TestKeys.shared("other-" + team, "viewer")
        .given()
        .get("/v1/evaluations/" + c.evaluationId())
        .then()
        .statusCode(404);
    TestKeys.shared("other-" + team, "viewer")
        .given()
        .queryParam("job_id", jobId)
        .get("/v1/evaluations")
        .then()
        .statusCode(200)
        .body("data.size()", is(0));
  }

  @Test
  void aSuiteCaseTheTunedModelFailsFailsTheRunNamingTheCase() {
    String suite =
        storeSuite(
            SUITE
                + """
                  - id: impossible
                    prompt: Double of four
                    expect: {type: exact, value: nine}
                """);
    String jobId = "ftjob-" + UUID.randomUUID().toString().substring(0, 8);
    Records.send(Topics.TRAINING_EVENTS, job(jobId, suite));
    EvaluationCompleted c =
        Records.withKey(Topics.EVALUATION_EVENTS, jobId, 1)
            .get(0)
            .payloadAs(EvaluationCompleted.class);
    assertFalse(c.passed());
    assertTrue(
        c.reasons().stream().anyMatch(r -> r.startsWith("min_suite_pass_rate[impossible]")),
        c.reasons().toString());
  }

  @Test
  void aBaseModelsDefaultSuiteRunsWhenTheJobNamesNone() throws Exception {
    Path copy = Files.createTempDirectory("base-with-suite-");
    try (var files = Files.list(TinyModels.base())) {
      for (Path f : files.toList()) {
        Files.copy(f, copy.resolve(f.getFileName()));
      }
    }
    String yaml = SUITE.replace("name: doubles", "name: doubles-default");
    Files.writeString(copy.resolve(JobEvaluation.DEFAULT_SUITE_FILE), yaml);
    base = base + "-suite";
    Publish.baseModel(artifacts, copy, base);
    String jobId = "ftjob-" + UUID.randomUUID().toString().substring(0, 8);
    Records.send(Topics.TRAINING_EVENTS, job(jobId, null));
    EvaluationCompleted c =
        Records.withKey(Topics.EVALUATION_EVENTS, jobId, 1)
            .get(0)
            .payloadAs(EvaluationCompleted.class);
    assertEquals(SuiteParser.parse(yaml).value().ref(), c.suite());
    assertEquals(1.0, c.metrics().get(Metrics.SUITE_PASS_RATE), c.toString());
  }

  @Test
  void anOutputWhoseManifestDiffersFromTheEventFailsTheEvaluationNamingIt() {
    String jobId = "ftjob-" + UUID.randomUUID().toString().substring(0, 8);
    TrainingCompleted good = job(jobId, null);
    TrainingCompleted bad =
        Publish.completed(
            jobId, team, base, good.outputUri(), "0".repeat(64), validationUri, null, GENEROUS);
    Records.send(Topics.TRAINING_EVENTS, bad);
    EvaluationFailed f =
        Records.withKey(Topics.EVALUATION_EVENTS, jobId, 1)
            .get(0)
            .payloadAs(EvaluationFailed.class);
    assertEquals(EvaluationIds.forJob(jobId), f.evaluationId());
    assertTrue(f.reason().startsWith("outputSha256:"), f.reason());
  }
}
