package dev.tuneforge.trainer.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.finetuning.jobs.FineTuningJob;
import com.openai.models.finetuning.jobs.FineTuningJobEvent;
import com.openai.models.finetuning.jobs.JobCreateParams;
import com.openai.models.finetuning.jobs.JobListEventsParams;
import com.openai.models.finetuning.jobs.JobListParams;
import com.openai.models.finetuning.jobs.checkpoints.FineTuningJobCheckpoint;
import dev.tuneforge.events.FineTunedModelId;
import dev.tuneforge.events.ResultFileId;
import dev.tuneforge.storage.artifact.ArtifactStore;
import dev.tuneforge.testing.RealStackResource;
import dev.tuneforge.testing.TestKeys;
import dev.tuneforge.trainer.TestBucket;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java SDK ({@code com.openai:openai-java}), unchanged, against the service's
 * base URL with a Bearer key: create, retrieve, list with a metadata filter, list events, list
 * checkpoints, cancel, and OpenAI's errors for a bad request and an unknown job. Every object the
 * SDK reads is {@code validate()}d, so a field missing or of the wrong type in the service's
 * answers fails here.
 */
@QuarkusTest
@TestProfile(WorkersOn.class)
@WithTestResource(RealStackResource.class)
class OpenAiJavaSdkTest {

  static final String TEAM = "java-sdk-team";
  static final String MODEL = "tiny-java-sdk";
  static final String DATASET = "java-sdk-sums";
  static final Duration JOB_WAIT = Duration.ofSeconds(180);
  static final Set<FineTuningJob.Status> ENDS =
      Set.of(
          FineTuningJob.Status.SUCCEEDED,
          FineTuningJob.Status.FAILED,
          FineTuningJob.Status.CANCELLED);
  static boolean published;

  @Inject ArtifactStore artifacts;
  OpenAIClient client;

  @BeforeEach
  void setUp() {
    if (!published) {
      TestBucket.publishTinyModel(artifacts, MODEL);
      TestBucket.publishDataset(artifacts, TEAM, DATASET, "v1", TestBucket.chats(8));
      published = true;
    }
    client =
        OpenAIOkHttpClient.builder()
            .baseUrl(RestAssured.baseURI + ":" + RestAssured.port + "/v1")
            .apiKey(TestKeys.shared(TEAM, "trainer").secret())
            .maxRetries(0)
            .build();
  }

  @AfterEach
  void close() {
    client.close();
  }

  FineTuningJob create(String tag, int maxSteps) {
    return client
        .fineTuning()
        .jobs()
        .create(
            JobCreateParams.builder()
                .model(MODEL)
                .trainingFile(DATASET)
                .suffix("jsdk")
                .seed(7L)
                .hyperparameters(
                    JobCreateParams.Hyperparameters.builder().nEpochs(1).batchSize(2).build())
                .metadata(
                    JobCreateParams.Metadata.builder()
                        .putAdditionalProperty("run", JsonValue.from(tag))
                        .build())
                .putAdditionalBodyProperty(
                    "tuneforge",
                    JsonValue.from(
                        Map.of(
                            "lora_r",
                            4,
                            "sequence_len",
                            64,
                            "max_steps",
                            maxSteps,
                            "save_steps",
                            2)))
                .build());
  }

  FineTuningJob awaitStatus(String id, java.util.function.Predicate<FineTuningJob> done) {
    try {
      Awaitility.await()
          .atMost(JOB_WAIT)
          .pollInterval(Duration.ofMillis(250))
          .until(() -> done.test(client.fineTuning().jobs().retrieve(id)));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "job "
              + id
              + " did not get there: "
              + client.fineTuning().jobs().retrieve(id)
              + "; events: "
              + client.fineTuning().jobs().listEvents(id).data().stream()
                  .limit(5)
                  .map(FineTuningJobEvent::message)
                  .toList(),
          e);
    }
    return client.fineTuning().jobs().retrieve(id).validate();
  }

  @Test
  void theSdkCreatesRetrievesListsAndFollowsAJobToItsEnd() {
    String tag = UUID.randomUUID().toString();
    FineTuningJob created = create(tag, 4).validate();
    assertTrue(created.id().startsWith("ftjob-"), created.id());
    assertEquals(DATASET + "@v1", created.trainingFile());
    assertEquals(TEAM, created.organizationId());

    FineTuningJob done = awaitStatus(created.id(), j -> ENDS.contains(j.status()));
    assertEquals(FineTuningJob.Status.SUCCEEDED, done.status(), done.toString());
    assertEquals(
        FineTunedModelId.of(MODEL, TEAM, "jsdk", created.id()),
        done.fineTunedModel().orElseThrow());
    assertTrue(done.trainedTokens().orElseThrow() > 0);
    assertEquals(List.of(ResultFileId.of(created.id())), done.resultFiles());
    assertEquals(7L, done.seed());

    // list, filtered by the metadata this job was created with
    List<FineTuningJob> listed =
        client
            .fineTuning()
            .jobs()
            .list(
                JobListParams.builder()
                    .metadata(
                        JobListParams.Metadata.builder().putAdditionalProperty("run", tag).build())
                    .build())
            .data();
    assertEquals(List.of(created.id()), listed.stream().map(FineTuningJob::id).toList());
    listed.forEach(FineTuningJob::validate);

    // events, newest first: the end, metrics of the steps, the creation
    List<FineTuningJobEvent> events =
        client
            .fineTuning()
            .jobs()
            .listEvents(created.id(), JobListEventsParams.builder().limit(100).build())
            .data();
    events.forEach(FineTuningJobEvent::validate);
    assertTrue(
        events.get(events.size() - 1).message().startsWith("Created fine-tuning job"),
        events.toString());
    assertTrue(
        events.stream()
            .anyMatch(
                e -> e.type().map(t -> t.equals(FineTuningJobEvent.Type.METRICS)).orElse(false)),
        events.toString());

    // checkpoints, newest first
    List<FineTuningJobCheckpoint> checkpoints =
        client.fineTuning().jobs().checkpoints().list(created.id()).data();
    checkpoints.forEach(FineTuningJobCheckpoint::validate);
    assertEquals(
        List.of(4L, 2L), checkpoints.stream().map(FineTuningJobCheckpoint::stepNumber).toList());
    assertTrue(checkpoints.stream().allMatch(c -> c.fineTuningJobId().equals(created.id())));

    NotFoundException missing =
        assertThrows(
            NotFoundException.class, () -> client.fineTuning().jobs().retrieve("ftjob-none"));
    assertEquals(404, missing.statusCode());
  }

  @Test
  void theSdkCancelsARunningJob() {
    FineTuningJob created = create(UUID.randomUUID().toString(), 100_000);
    awaitStatus(created.id(), j -> j.status().equals(FineTuningJob.Status.RUNNING));
    FineTuningJob cancelling = client.fineTuning().jobs().cancel(created.id()).validate();
    assertEquals(created.id(), cancelling.id());
    FineTuningJob ended = awaitStatus(created.id(), j -> ENDS.contains(j.status()));
    assertEquals(FineTuningJob.Status.CANCELLED, ended.status(), ended.toString());
  }

  @Test
  void aBadRequestComesBackAsTheSdksBadRequestNamingTheField() {
    BadRequestException e =
        assertThrows(
            BadRequestException.class,
            () ->
                client
                    .fineTuning()
                    .jobs()
                    .create(
                        JobCreateParams.builder()
                            .model(MODEL)
                            .trainingFile("file-aaaaaaaaaaaaaaaaaaaaaaaa")
                            .build()));
    assertEquals(400, e.statusCode());
    assertEquals("training_file", e.param().orElse(null), e.getMessage());
  }
}
