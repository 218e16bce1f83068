package dev.tuneforge.trainer.worker;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.artifact.ArtifactManifest;
import dev.tuneforge.events.Event;
import dev.tuneforge.events.Topics;
import dev.tuneforge.events.TrainingCancelled;
import dev.tuneforge.events.TrainingCompleted;
import dev.tuneforge.events.TrainingFailed;
import dev.tuneforge.events.TrainingProgress;
import dev.tuneforge.llm.train.job.process.JobProcessMain;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.artifact.ArtifactStore;
import dev.tuneforge.testing.RealStackResource;
import dev.tuneforge.testing.TestKeys;
import dev.tuneforge.trainer.TestBucket;
import io.quarkus.arc.ClientProxy;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Jobs in a JVM of their own (tuneforge.trainer.isolation=process) on the real broker and S3
 * server: the adapter is byte-identical to the one trained in the service's JVM; a job process
 * killed with SIGSEGV fails its job with engine_crashed while the service stays live and runs the
 * next job; a cancelled job's process is gone.
 */
@QuarkusTest
@TestProfile(IsolatedWorkers.class)
@WithTestResource(RealStackResource.class)
class IsolatedJobsTest {

  static final String TEAM = "isolated-team";
  static final String MODEL = "tiny-isolated";
  static final String DATASET = "sums";
  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration JOB_WAIT = Duration.ofSeconds(180);
  static boolean published;

  @Inject ArtifactStore artifacts;
  @Inject Workers workers;

  @BeforeEach
  void bucket() {
    if (!published) {
      TestBucket.publishTinyModel(artifacts, MODEL);
      TestBucket.publishDataset(artifacts, TEAM, DATASET, "v1", TestBucket.chats(8));
      published = true;
    }
    TestKeys.useByDefault(TestKeys.shared(TEAM, "trainer"));
  }

  /** Long jobs to cancel after each test, so a failed test does not hold the next one's queue. */
  final List<String> longJobs = new java.util.ArrayList<>();

  @org.junit.jupiter.api.AfterEach
  void cancelLongJobs() {
    longJobs.forEach(id -> given().post("/v1/fine_tuning/jobs/" + id + "/cancel"));
  }

  String createLong() {
    String id = create(100_000);
    longJobs.add(id);
    return id;
  }

  static String create(int maxSteps) {
    ObjectNode b = JSON.createObjectNode();
    b.put("model", MODEL);
    b.put("training_file", DATASET);
    b.put("seed", 11);
    b.putObject("hyperparameters").put("n_epochs", 1).put("batch_size", 2);
    b.putObject("tuneforge")
        .put("lora_r", 4)
        .put("sequence_len", 64)
        .put("max_steps", maxSteps)
        .put("save_steps", 2);
    return given()
        .contentType(ContentType.JSON)
        .body(b.toString())
        .post("/v1/fine_tuning/jobs")
        .then()
        .statusCode(200)
        .extract()
        .path("id");
  }

  @Test
  void aJobInItsOwnProcessTrainsTheSameAdapterAsInTheServicesJvm() {
    String isolated = create(4);
    JsonNode job = TrainingWorkerTest.awaitStatus(isolated, "succeeded");
    Workers bean = ClientProxy.unwrap(workers);
    String inProcess;
    bean.isolation = Workers.IN_PROCESS;
    try {
      inProcess = create(4);
      TrainingWorkerTest.awaitStatus(inProcess, "succeeded");
    } finally {
      bean.isolation = Workers.PROCESS;
    }
    ArtifactManifest a = artifacts.manifest(BucketLayout.adapter(isolated));
    ArtifactManifest b = artifacts.manifest(BucketLayout.adapter(inProcess));
    assertEquals(
        b.file("adapter_model.safetensors").orElseThrow().sha256(),
        a.file("adapter_model.safetensors").orElseThrow().sha256(),
        "the adapters of the two modes differ");
    List<Event> facts = JobFacts.of(Topics.TRAINING_EVENTS, isolated);
    assertEquals(
        List.of(1L, 2L, 3L, 4L),
        JobFacts.ofType(facts, TrainingProgress.class).stream()
            .map(TrainingProgress::step)
            .toList());
    assertEquals(4, JobFacts.ofType(facts, TrainingCompleted.class).get(0).steps());
    assertEquals(4, job.path("tuneforge").path("max_steps").asInt(), job.toString());
  }

  @Test
  void aJobProcessKilledBySegvFailsItsJobAndTheServiceRunsTheNext() throws Exception {
    String crashing = createLong();
    String next = create(2);
    ProcessHandle child = awaitRunningChild(crashing);
    Process kill = new ProcessBuilder("kill", "-SEGV", Long.toString(child.pid())).start();
    assertEquals(0, kill.waitFor());

    JsonNode failed = TrainingWorkerTest.awaitStatus(crashing, "failed");
    assertEquals("engine_crashed", failed.at("/error/code").asText(), failed.toString());
    assertTrue(failed.at("/error/param").isNull(), "not about a field: " + failed);
    String message = failed.path("error").path("message").asText();
    assertTrue(
        message.startsWith("engine_crashed: the training process ended with signal"), message);
    assertTrue(message.contains("SIGSEGV"), message);
    assertFalse(child.isAlive());
    List<TrainingFailed> ends =
        JobFacts.ofType(JobFacts.of(Topics.TRAINING_EVENTS, crashing), TrainingFailed.class);
    assertEquals(1, ends.size());
    assertEquals(TrainingFailed.ENGINE_CRASHED, ends.get(0).code());
    assertTrue(ends.get(0).step() != null && ends.get(0).step() >= 1, ends.toString());

    given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    TrainingWorkerTest.awaitStatus(next, "succeeded");
  }

  @Test
  void aCancelledJobsProcessIsGone() throws Exception {
    String running = createLong();
    ProcessHandle child = awaitRunningChild(running);
    given().post("/v1/fine_tuning/jobs/" + running + "/cancel").then().statusCode(200);
    TrainingWorkerTest.awaitStatus(running, "cancelled");
    child.onExit().get(30, TimeUnit.SECONDS);
    assertFalse(child.isAlive());
    assertTrue(jobProcess().isEmpty(), "no job process left");
    List<TrainingCancelled> ends =
        JobFacts.ofType(JobFacts.of(Topics.TRAINING_EVENTS, running), TrainingCancelled.class);
    assertEquals(1, ends.size());
    assertTrue(ends.get(0).step() != null && ends.get(0).step() >= 1, ends.toString());
  }

  /** Waits until job {@code id} reported a step; returns the job process training it. */
  static ProcessHandle awaitRunningChild(String id) {
    Awaitility.await()
        .atMost(JOB_WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                !JobFacts.ofType(JobFacts.of(Topics.TRAINING_EVENTS, id), TrainingProgress.class)
                    .isEmpty());
    return jobProcess().orElseThrow(() -> new AssertionError("job " + id + " has no process"));
  }

  /** The live job process of this service (the service runs in the test's JVM). */
  static Optional<ProcessHandle> jobProcess() {
    return ProcessHandle.current()
        .children()
        .filter(ProcessHandle::isAlive)
        .filter(
            p ->
                p.info()
                    .commandLine()
                    .map(c -> c.contains(JobProcessMain.class.getName()))
                    .orElse(false))
        .findFirst();
  }
}
