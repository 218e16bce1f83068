package dev.tuneforge.trainer;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.events.Topics;
import dev.tuneforge.events.TrainingRequested;
import dev.tuneforge.testing.RealStackResource;
import dev.tuneforge.testing.TestKafka;
import dev.tuneforge.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Poison records land in the dead-letter topic with their reason; the next good record is
 * processed.
 */
@QuarkusTest
@WithTestResource(RealStackResource.class)
class DeadLetterTest {

  @BeforeEach
  void actAsViewer() {
    TestKeys.useByDefault(TestKeys.shared("trainer-test", "viewer"));
  }

  @AfterEach
  void noDefaultKey() {
    TestKeys.clearDefault();
  }

  @Test
  void poisonRecordsGoToTheDeadLetterTopicAndTheNextGoodRecordIsProcessed() {
    String dlq = Topics.deadLetter("trainer-service");
    TestKafka.sendRaw(
        Topics.TRAINING_REQUESTS,
        "poison-1",
        "{\"eventId\": \"x\",".getBytes(StandardCharsets.UTF_8));
    String futureVersion =
        """
        {"eventId":"e2","type":"CancelRequested","key":"poison-2","occurredAt":"2026-11-23T10:00:00Z",
         "schemaVersion":99,"producer":"test","payload":{"jobId":"poison-2"}}""";
    TestKafka.sendRaw(
        Topics.TRAINING_REQUESTS, "poison-2", futureVersion.getBytes(StandardCharsets.UTF_8));
    TestKafka.send(
        Topics.TRAINING_REQUESTS,
        new TrainingRequested(
            "ftjob-good",
            "tiny-llama",
            "chats",
            "v1",
            "lora",
            Map.of("lora_r", 8),
            null,
            7,
            "trainer-test",
            null,
            null,
            null,
            null,
            null,
            null));

    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                given()
                    .get("/v1/fine_tuning/jobs/ftjob-good")
                    .then()
                    .statusCode(200)
                    .body("status", equalTo("queued"))
                    .body("method.type", equalTo("supervised"))
                    .body("tuneforge.adapter", equalTo("lora")));

    var dead =
        TestKafka.await(
            dlq, 2, r -> r.key() != null && r.key().startsWith("poison-"), Duration.ofSeconds(60));
    var broken = dead.stream().filter(r -> r.key().equals("poison-1")).findFirst().orElseThrow();
    var future = dead.stream().filter(r -> r.key().equals("poison-2")).findFirst().orElseThrow();
    assertTrue(
        TestKafka.header(broken, "dead-letter-reason").contains("broken JSON"),
        TestKafka.header(broken, "dead-letter-reason"));
    assertTrue(
        TestKafka.header(future, "dead-letter-reason").contains("unsupported schemaVersion 99"),
        TestKafka.header(future, "dead-letter-reason"));
    assertEquals(Topics.TRAINING_REQUESTS, TestKafka.header(future, "dead-letter-topic"));
  }

  @Test
  void aRedeliveredRequestIsRecordedOnce() {
    var request =
        new TrainingRequested(
            "ftjob-twice",
            "tiny-llama",
            "chats",
            "v1",
            "full",
            Map.of(),
            null,
            1,
            "trainer-test",
            null,
            null,
            null,
            null,
            null,
            null);
    TestKafka.send(Topics.TRAINING_REQUESTS, request);
    TestKafka.send(Topics.TRAINING_REQUESTS, request);
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> given().get("/v1/fine_tuning/jobs/ftjob-twice").then().statusCode(200));
    long count =
        given().get("/v1/fine_tuning/jobs").jsonPath().getList("data.id").stream()
            .filter("ftjob-twice"::equals)
            .count();
    assertEquals(1, count);
    given().get("/v1/fine_tuning/jobs/nope").then().statusCode(404);
  }
}
