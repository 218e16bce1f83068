package dev.tuneforge.trainer.jobs;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.events.EventEnvelope;
import dev.tuneforge.events.FineTunedModelId;
import dev.tuneforge.events.Topics;
import dev.tuneforge.events.TrainingCancelled;
import dev.tuneforge.events.TrainingCompleted;
import dev.tuneforge.events.TrainingFailed;
import dev.tuneforge.events.TrainingRequested;
import dev.tuneforge.events.TrainingStarted;
import dev.tuneforge.platform.EventPublisher;
import dev.tuneforge.platform.KafkaViews;
import dev.tuneforge.platform.view.KafkaView;
import dev.tuneforge.platform.view.RecordPosition;
import dev.tuneforge.testing.RealStackResource;
import dev.tuneforge.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The job ledger as a view of the training topics, on the real broker: what a second ledger rebuilt
 * from the same topics lists (a restart), what a client reads right after a write, and what the
 * readiness check says.
 */
@QuarkusTest
@WithTestResource(RealStackResource.class)
class JobLedgerViewTest {

  @Inject EventPublisher publisher;
  @Inject JobLedger ledger;
  @Inject KafkaViews views;

  static final String TEAM = "trainer-test";

  @BeforeEach
  void actAsViewer() {
    TestKeys.useByDefault(TestKeys.shared(TEAM, "viewer"));
  }

  @AfterEach
  void noDefaultKey() {
    TestKeys.clearDefault();
  }

  static TrainingRequested request(String id) {
    return new TrainingRequested(
        id,
        "tiny-llama",
        "chats",
        "v1",
        "lora",
        Map.of("lora_r", 8),
        null,
        7,
        TEAM,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  @Test
  void aLedgerRebuiltFromTheTopicsListsEveryJobWithTheSameStatus() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String queued = "ftjob-q-" + run, running = "ftjob-r-" + run, done = "ftjob-s-" + run;
    String failed = "ftjob-f-" + run, cancelled = "ftjob-c-" + run;
    for (String id : List.of(queued, running, done, failed, cancelled)) {
      publisher.publish(Topics.TRAINING_REQUESTS, request(id));
    }
    publisher.publish(Topics.TRAINING_EVENTS, new TrainingStarted(running, "w1", 1, null, 10));
    publisher.publish(Topics.TRAINING_EVENTS, new TrainingStarted(done, "w1", 1, null, 10));
    publisher.publish(
        Topics.TRAINING_EVENTS,
        new TrainingCompleted(
            done,
            "default",
            "tiny-llama",
            null,
            "lora",
            "s3://tuneforge/runs/" + done + "/adapter/",
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            Map.of(),
            10,
            640,
            1.2,
            0.0,
            Map.of()));
    publisher.publish(
        Topics.TRAINING_EVENTS,
        new TrainingFailed(
            failed, "dataset chats@v1: no rows", null, TrainingFailed.DATA_ERROR, null));
    RecordPosition last =
        publisher.publish(
            Topics.TRAINING_EVENTS, new TrainingCancelled(cancelled, null, "by user"));
    assertTrue(ledger.view().awaitPosition(last, Duration.ofSeconds(30)));

    // A second ledger, built the way a restarted trainer builds it: a new view from the beginning.
    JobLedger restarted = new JobLedger();
    KafkaView view =
        views.start(
            views
                .builder("restart-check-" + run)
                .topics(Topics.TRAINING_REQUESTS, Topics.TRAINING_EVENTS)
                .projection(restarted));
    try {
      assertTrue(view.awaitCaughtUp(Duration.ofSeconds(30)));
      assertTrue(view.hasReached(last));
      assertEquals(ledger.all(), restarted.all());
      Map<String, String> expected =
          Map.of(
              queued,
              "queued",
              running,
              "running",
              done,
              "succeeded",
              failed,
              "failed",
              cancelled,
              "cancelled");
      expected.forEach(
          (id, status) ->
              assertEquals(status, restarted.find(id).orElseThrow().status().openAi(), id));
    } finally {
      view.close();
    }

    given()
        .get("/v1/fine_tuning/jobs/" + done)
        .then()
        .statusCode(200)
        .body("status", equalTo("succeeded"))
        .body("fine_tuned_model", equalTo(FineTunedModelId.of("tiny-llama", TEAM, null, done)))
        .body("organization_id", equalTo(TEAM))
        .body("tuneforge.output_uri", equalTo("s3://tuneforge/runs/" + done + "/adapter/"))
        .body("trained_tokens", equalTo(640));
    given()
        .get("/v1/fine_tuning/jobs/" + failed)
        .then()
        .statusCode(200)
        .body("status", equalTo("failed"))
        .body("error.code", equalTo("data_error"))
        .body("error.message", equalTo("dataset chats@v1: no rows"))
        .body("error.param", org.hamcrest.Matchers.nullValue());
  }

  @Test
  void aWriteIsVisibleToTheNextRead() {
    String id = "ftjob-ryw-" + UUID.randomUUID();
    publisher.publishAndAwait(
        Topics.TRAINING_REQUESTS, request(id), ledger.view(), Duration.ofSeconds(30));
    // No polling: the publish returned only once the view had applied the record.
    assertEquals("queued", ledger.find(id).orElseThrow().status().openAi());
    given()
        .get("/v1/fine_tuning/jobs/" + id)
        .then()
        .statusCode(200)
        .body("status", equalTo("queued"));
  }

  @Test
  void theSameEventPublishedTwiceIsAppliedOnce() {
    String id = "ftjob-dup-" + UUID.randomUUID();
    publisher.publishAndAwait(
        Topics.TRAINING_REQUESTS, request(id), ledger.view(), Duration.ofSeconds(30));
    EventEnvelope started = EventEnvelope.of(new TrainingStarted(id, "w1", 1, null, 10), "test");
    long before = ledger.view().status().duplicates();
    publisher.publish(Topics.TRAINING_EVENTS, started);
    RecordPosition again = publisher.publish(Topics.TRAINING_EVENTS, started);
    assertTrue(awaitPosition(again));
    assertEquals(before + 1, ledger.view().status().duplicates());
    assertEquals("running", ledger.find(id).orElseThrow().status().openAi());
  }

  @Test
  void readyReportsTheJobViewCaughtUp() {
    assertTrue(ledger.awaitCaughtUp(Duration.ofSeconds(30)));
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("checks.find { it.name == 'kafka-views' }.status", equalTo("UP"))
        .body(
            "checks.find { it.name == 'kafka-views' }.data.'training-jobs'", equalTo("caught up"));
  }

  private boolean awaitPosition(RecordPosition at) {
    try {
      return ledger.view().awaitPosition(at, Duration.ofSeconds(30));
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
