package dev.tuneforge.trainer.worker;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.events.EventEnvelope;
import dev.tuneforge.events.Topics;
import dev.tuneforge.events.TrainingProgress;
import dev.tuneforge.events.TrainingStarted;
import dev.tuneforge.llm.train.StepReport;
import dev.tuneforge.llm.train.TrainingListener;
import dev.tuneforge.llm.train.job.JobConfig;
import dev.tuneforge.llm.train.job.JobRunner;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.artifact.ArtifactStore;
import dev.tuneforge.testing.RealStackResource;
import dev.tuneforge.testing.TestKafka;
import dev.tuneforge.testing.TestKeys;
import dev.tuneforge.trainer.TestBucket;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Prints, for jobs on a tiny llama through the service: request → TrainingStarted, TrainingStarted
 * → first optimizer step (fetching model and data, loading, the step), and the tokens/s of the
 * service's run against the engine run directly ({@code JobRunner.run}, as {@code tuneforge train})
 * on the same settings in the same JVM. Run with {@code -Dtests.excluded=none -Dgroups=benchmark
 * -Dtest=JobLatencyBenchmark}.
 */
@Tag("benchmark")
@QuarkusTest
@TestProfile(WorkersOn.class)
@WithTestResource(RealStackResource.class)
class JobLatencyBenchmark {

  static final String TEAM = "bench-team";
  static final int STEPS = 200;

  @Inject ArtifactStore artifacts;

  @Test
  void requestToFirstStepAndThroughput() throws Exception {
    TestBucket.publishTinyModel(artifacts, "tiny-bench");
    TestBucket.publishDataset(artifacts, TEAM, "bench-sums", "v1", TestBucket.chats(40));
    TestKeys.useByDefault(TestKeys.shared(TEAM, "trainer"));
    List<String> rows = new ArrayList<>();
    double serviceTps = 0;
    for (int i = 0; i < 3; i++) {
      ObjectNode b = new ObjectMapper().createObjectNode();
      b.put("model", "tiny-bench");
      b.put("training_file", "bench-sums");
      b.put("seed", 5);
      b.putObject("hyperparameters").put("n_epochs", 10).put("batch_size", 4);
      b.putObject("tuneforge").put("lora_r", 8).put("sequence_len", 64).put("max_steps", STEPS);
      String id =
          given()
              .contentType(ContentType.JSON)
              .body(b.toString())
              .post("/v1/fine_tuning/jobs")
              .then()
              .statusCode(200)
              .extract()
              .path("id");
      Awaitility.await()
          .atMost(Duration.ofMinutes(5))
          .until(
              () -> given().get("/v1/fine_tuning/jobs/" + id).path("status").equals("succeeded"));
      Instant requested =
          TestKafka.decode(
                  TestKafka.await(
                          Topics.TRAINING_REQUESTS,
                          1,
                          r -> id.equals(r.key()),
                          Duration.ofSeconds(30))
                      .get(0))
              .occurredAt();
      List<EventEnvelope> facts = new ArrayList<>();
      TestKafka.await(
          Topics.TRAINING_EVENTS,
          1,
          r -> {
            if (id.equals(r.key())) {
              facts.add(TestKafka.decode(r));
              return r.value().contains("\"TrainingCompleted\"");
            }
            return false;
          },
          Duration.ofSeconds(30));
      Instant started =
          facts.stream()
              .filter(e -> e.payload() instanceof TrainingStarted)
              .findFirst()
              .orElseThrow()
              .occurredAt();
      Instant firstStep =
          facts.stream()
              .filter(e -> e.payload() instanceof TrainingProgress p && p.step() == 1)
              .findFirst()
              .orElseThrow()
              .occurredAt();
      TrainingProgress last =
          (TrainingProgress)
              facts.stream()
                  .filter(e -> e.payload() instanceof TrainingProgress)
                  .reduce((x, y) -> y)
                  .orElseThrow()
                  .payload();
      serviceTps = last.tokensPerSecond();
      rows.add(
          String.format(
              "job %d: request -> started %d ms, started -> first step %d ms, %.0f tok/s",
              i + 1,
              Duration.between(requested, started).toMillis(),
              Duration.between(started, firstStep).toMillis(),
              last.tokensPerSecond()));
    }
    // The same settings straight through the engine, as tuneforge train runs them.
    Path dir = Files.createTempDirectory("bench-direct-");
    artifacts.fetch(BucketLayout.model("tiny-bench", "main"), dir.resolve("base"));
    Files.writeString(dir.resolve("train.jsonl"), TestBucket.chats(40));
    Files.writeString(dir.resolve("val.jsonl"), TestBucket.chats(4));
    String yaml =
        """
        {"base_model":"base","adapter":"lora","lora_r":8,"sequence_len":64,"max_steps":%d,
         "num_epochs":10,"micro_batch_size":4,"learning_rate":2e-4,"seed":5,"output_dir":"out",
         "datasets":[{"path":"train.jsonl","type":"chat"}],
         "test_datasets":[{"path":"val.jsonl","type":"chat"}]}"""
            .formatted(STEPS);
    AtomicReference<StepReport> lastDirect = new AtomicReference<>();
    JobRunner.run(
        JobConfig.parse(new ObjectMapper().readTree(yaml), dir),
        (TrainingListener) lastDirect::set,
        false);
    rows.forEach(System.out::println);
    System.out.printf(
        "engine directly: %.0f tok/s; service/engine = %.3f%n",
        lastDirect.get().tokensPerSecond(), serviceTps / lastDirect.get().tokensPerSecond());
  }
}
