package dev.tuneforge.evaluator.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tuneforge.cli.TuneForge;
import dev.tuneforge.evaluator.auto.AutoEvaluator;
import dev.tuneforge.evaluator.run.TinyTuning;
import dev.tuneforge.evaluator.testing.Publish;
import dev.tuneforge.evaluator.testing.Records;
import dev.tuneforge.events.EvaluationCompleted;
import dev.tuneforge.events.Topics;
import dev.tuneforge.events.TrainingCompleted;
import dev.tuneforge.storage.artifact.ArtifactStore;
import dev.tuneforge.testing.RealStackResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Time from {@code TrainingCompleted} on the topic to {@code EvaluationCompleted} on the topic, on
 * the real embedded broker and S3 server, for a demo-sized run: the demo base model's shape (hidden
 * 128, 4 layers, briefly trained by {@code tuneforge base-model}), a LoRA adapter, the 11-record
 * validation split, the base model's retention slice, a 3-case suite, and the production settings
 * (128 new tokens at most, batch 8). The first job pays for fetching and the base model's
 * evaluation; the second (same base, split and suite) reuses the cached base evaluation. Run:
 * {@code mvn -pl evaluator-service -am verify -Dtests.excluded=none -Dgroups=benchmark
 * -Dtest=EvaluationLatencyBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
@Tag("quarkus") // own JVM: see the surefire executions in pom.xml
@QuarkusTest
@WithTestResource(RealStackResource.class)
@TestProfile(EvaluationLatencyBenchmark.ProductionSettings.class)
class EvaluationLatencyBenchmark {

  /** The evaluation settings of application.properties, not the test profile's short ones. */
  public static class ProductionSettings implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "tuneforge.evaluator.max-new-tokens", "128", "tuneforge.evaluator.batch-size", "8");
    }
  }

  static final String SUITE =
      """
      name: doubles-bench
      cases:
        - id: double-four
          prompt: Double of four
          expect: {type: exact, value: eight}
        - id: double-two-not-nine
          prompt: Double of two
          expect: {type: not_contains, value: nine}
        - id: short
          prompt: Double of ten
          expect: {type: max_length, value: 40}
      """;

  @Inject ArtifactStore artifacts;
  @Inject AutoEvaluator evaluator;

  @Test
  void trainingCompletedToEvaluationCompleted() throws Exception {
    Path dir = Files.createTempDirectory("latency-bench-");
    Path base = dir.resolve("base");
    assertEquals(
        0,
        new CommandLine(new TuneForge())
            .execute("base-model", "--out", base.toString(), "--steps", "80"));
    Path adapter = TinyTuning.adapter(dir, base, 60, 0.005);
    String run = UUID.randomUUID().toString().substring(0, 8);
    String team = "bench-" + run;
    String baseName = "demo-" + run;
    Publish.baseModel(artifacts, base, baseName);
    String validation = Publish.validation(artifacts, "bench-" + run, TinyTuning.chats());
    String suite =
        dev.tuneforge.testing.TestKeys.shared(team, "trainer")
            .given()
            .contentType("application/yaml")
            .body(SUITE.getBytes(java.nio.charset.StandardCharsets.UTF_8))
            .post("/v1/evaluation/suites")
            .then()
            .statusCode(201)
            .extract()
            .path("ref");
    for (String label : new String[] {"first (cold)", "second (base cached)"}) {
      String jobId = "ftjob-bench" + UUID.randomUUID().toString().substring(0, 8);
      String uri = Publish.adapter(artifacts, adapter, jobId);
      TrainingCompleted t =
          Publish.completed(
              jobId,
              team,
              baseName,
              uri,
              Publish.manifestSha256(artifacts, uri),
              validation,
              suite,
              Map.of());
      long t0 = System.nanoTime();
      Records.send(Topics.TRAINING_EVENTS, t);
      EvaluationCompleted c =
          Records.withKey(Topics.EVALUATION_EVENTS, jobId, 1)
              .get(0)
              .payloadAs(EvaluationCompleted.class);
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "TrainingCompleted -> EvaluationCompleted, %s: %.2f s (evaluation started %d ms after the"
              + " record was written; passed=%s, exact_match %.2f vs base %.2f; reasons %s)%n",
          label,
          seconds,
          evaluator.lastStartDelayMillis(),
          c.passed(),
          c.metrics().get("exact_match"),
          c.baseMetrics().get("exact_match"),
          c.reasons());
    }
  }
}
