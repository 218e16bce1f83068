package dev.tuneforge.trainer.worker;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.artifact.ArtifactKind;
import dev.tuneforge.cli.basemodel.BaseModel;
import dev.tuneforge.events.EventEnvelope;
import dev.tuneforge.events.Topics;
import dev.tuneforge.events.TrainingCompleted;
import dev.tuneforge.events.TrainingNoted;
import dev.tuneforge.events.TrainingProgress;
import dev.tuneforge.events.TrainingStarted;
import dev.tuneforge.llm.train.StepReport;
import dev.tuneforge.llm.train.TrainingListener;
import dev.tuneforge.llm.train.TrainingRun;
import dev.tuneforge.llm.train.job.JobConfig;
import dev.tuneforge.llm.train.job.JobRunner;
import dev.tuneforge.llm.train.job.process.JobProcess;
import dev.tuneforge.llm.train.job.process.JobProcessLaunch;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.artifact.ArtifactStore;
import dev.tuneforge.testing.RealStackResource;
import dev.tuneforge.testing.TestKafka;
import dev.tuneforge.testing.TestKeys;
import dev.tuneforge.trainer.TestBucket;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The service's overhead against the engine run directly (in a JVM of its own, as {@code tuneforge
 * train} runs it), on a model big enough that a step takes a sizeable fraction of a second (a step
 * of a real checkpoint takes seconds; on a toy model the per-step bookkeeping would be all that is
 * measured). Service jobs run with the production settings (a JVM per job, progress every 5 steps)
 * and alternate with direct runs of the job's own resolved config, so a drifting machine load hits
 * both sides alike. Prints, per run: request → TrainingStarted, the model's load time (the engine's
 * "model loaded in" message), TrainingStarted → first optimizer step, tokens/s; then the median
 * service/engine tokens/s ratio. Run with {@code -Dtests.excluded=none -Dgroups=benchmark
 * -Dtest=JobLatencyBenchmark}.
 */
@Tag("benchmark")
@QuarkusTest
@TestProfile(JobLatencyBenchmark.ProductionWorkers.class)
@WithTestResource(RealStackResource.class)
class JobLatencyBenchmark {

  /** Workers on, every other setting as in production. */
  public static class ProductionWorkers implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("tuneforge.trainer.worker.enabled", "true");
    }
  }

  static final String TEAM = "bench-team";
  static final int HIDDEN = 512;
  static final int LAYERS = 8;
  static final int STEPS = 30;
  static final int PAIRS = 3;

  @Inject ArtifactStore artifacts;

  @Test
  void requestToFirstStepAndThroughput() throws Exception {
    Path model = Files.createTempDirectory("bench-model-");
    BaseModel.init(model, BaseModel.config(HIDDEN, LAYERS), 3);
    artifacts.publish(
        model,
        BucketLayout.model("bench-model", BucketLayout.DEFAULT_REVISION),
        ArtifactKind.MODEL,
        Map.of("name", "bench-model", "revision", BucketLayout.DEFAULT_REVISION));
    String data = longChats(64);
    TestBucket.publishDataset(artifacts, TEAM, "bench-long", "v1", data);
    TestKeys.useByDefault(TestKeys.shared(TEAM, "trainer"));
    System.out.printf(
        "model: hidden %d, %d layers (%s); LoRA r 16 all-linear, micro-batch 4, sequence_len 256,"
            + " %d steps%n",
        HIDDEN, LAYERS, BaseModel.config(HIDDEN, LAYERS), STEPS);

    List<String> rows = new ArrayList<>();
    List<Double> ratios = new ArrayList<>();
    for (int pair = 0; pair < PAIRS; pair++) {
      ServiceRun s = serviceJob();
      Direct d = direct(s.config(), model, data);
      rows.add(
          String.format(
              "service %d: request -> started %d ms, started -> model loaded %d ms (load %d ms),"
                  + " started -> first step %d ms, %.0f tok/s",
              pair + 1,
              s.toStarted(),
              s.toLoaded(),
              s.loadMs(),
              s.toFirstStep(),
              s.tokensPerSecond()));
      rows.add(
          String.format(
              "engine  %d (own JVM): load %d ms, start -> first step %d ms, %.0f tok/s",
              pair + 1, d.loadMs(), d.toFirstStep(), d.tokensPerSecond()));
      ratios.add(s.tokensPerSecond() / d.tokensPerSecond());
      rows.forEach(System.out::println);
      rows.clear();
    }
    List<Double> sorted = ratios.stream().sorted().toList();
    System.out.printf(
        "service/engine tokens/s per pair: %s; median %.3f%n", ratios, sorted.get(PAIRS / 2));
  }

  record ServiceRun(
      long toStarted,
      long toLoaded,
      long loadMs,
      long toFirstStep,
      double tokensPerSecond,
      Map<String, Object> config) {}

  record Direct(long loadMs, long toFirstStep, double tokensPerSecond) {}

  ServiceRun serviceJob() throws Exception {
    ObjectNode b = new ObjectMapper().createObjectNode();
    b.put("model", "bench-model");
    b.put("training_file", "bench-long");
    b.put("seed", 5);
    b.putObject("hyperparameters").put("n_epochs", 10).put("batch_size", 4);
    b.putObject("tuneforge").put("lora_r", 16).put("sequence_len", 256).put("max_steps", STEPS);
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
        .atMost(Duration.ofMinutes(15))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> given().get("/v1/fine_tuning/jobs/" + id).path("status").equals("succeeded"));
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
    Instant started = first(facts, e -> e.payload() instanceof TrainingStarted).occurredAt();
    EventEnvelope loaded =
        first(
            facts,
            e ->
                e.payload() instanceof TrainingNoted n
                    && n.message().startsWith(JobRunner.MODEL_LOADED));
    Instant firstStep =
        first(facts, e -> e.payload() instanceof TrainingProgress p && p.step() == 1).occurredAt();
    TrainingProgress last =
        (TrainingProgress)
            facts.stream()
                .filter(e -> e.payload() instanceof TrainingProgress)
                .reduce((x, y) -> y)
                .orElseThrow()
                .payload();
    TrainingCompleted done =
        (TrainingCompleted) first(facts, e -> e.payload() instanceof TrainingCompleted).payload();
    return new ServiceRun(
        Duration.between(requested, started).toMillis(),
        Duration.between(started, loaded.occurredAt()).toMillis(),
        loadMs(((TrainingNoted) loaded.payload()).message()),
        Duration.between(started, firstStep).toMillis(),
        last.tokensPerSecond(),
        done.config());
  }

  /**
   * The job's resolved settings run by the engine on local copies of its inputs, in a JVM of its
   * own as {@code tuneforge train} runs (cold JIT and a fresh libtorch, like the service's job
   * process), so the comparison isolates what the service adds: Kafka, S3, progress events.
   */
  static Direct direct(Map<String, Object> resolved, Path model, String data) throws Exception {
    Path dir = Files.createTempDirectory("bench-direct-");
    Files.writeString(dir.resolve("train.jsonl"), data);
    ObjectMapper json = new ObjectMapper();
    ObjectNode config = json.valueToTree(resolved);
    config.put("base_model", model.toString());
    config.put("output_dir", dir.resolve("out").toString());
    config.putArray("datasets").addObject().put("path", "train.jsonl").put("type", "chat");
    JsonNode c = config;
    AtomicReference<StepReport> last = new AtomicReference<>();
    AtomicLong firstStepNanos = new AtomicLong();
    AtomicLong load = new AtomicLong(-1);
    JobProcessLaunch launch =
        JobProcessLaunch.ofThisJvm(
            List.of("-XX:+ExitOnOutOfMemoryError"),
            Map.of(),
            dir.resolve("crashes"),
            Duration.ofSeconds(30));
    long start = System.nanoTime();
    TrainingRun run =
        JobProcess.start(
            launch,
            JobConfig.parse(c, dir),
            new TrainingListener() {
              @Override
              public void onStep(StepReport r) {
                firstStepNanos.compareAndSet(0, System.nanoTime());
                last.set(r);
              }

              @Override
              public void onMessage(String m) {
                if (m.startsWith(JobRunner.MODEL_LOADED)) {
                  load.set(loadMs(m));
                }
              }
            },
            false);
    run.await(Duration.ofMinutes(15)).orElseThrow();
    return new Direct(
        load.get(), (firstStepNanos.get() - start) / 1_000_000, last.get().tokensPerSecond());
  }

  static long loadMs(String message) {
    return Long.parseLong(message.substring(JobRunner.MODEL_LOADED.length()).split(" ")[0]);
  }

  static EventEnvelope first(
      List<EventEnvelope> facts, java.util.function.Predicate<EventEnvelope> p) {
    return facts.stream().filter(p).findFirst().orElseThrow();
  }

  /**
   * Chats whose answers are a dozen corpus sentences (about 150 tokens): sequences of a realistic
   * length for SFT, not the two-token answers of the functional tests.
   */
  static String longChats(int records) throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<String> corpus = BaseModel.corpus(records * 12, 11);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < records; i++) {
      StringBuilder answer = new StringBuilder();
      for (int j = 0; j < 12; j++) {
        answer.append(json.readTree(corpus.get(i * 12 + j)).path("text").asText()).append(' ');
      }
      ObjectNode chat = json.createObjectNode();
      var messages = chat.putArray("messages");
      messages.addObject().put("role", "user").put("content", "Tell me some sums, please " + i);
      messages.addObject().put("role", "assistant").put("content", answer.toString().trim());
      out.append(chat).append('\n');
    }
    return out.toString();
  }
}
