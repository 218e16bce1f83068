package dev.tuneforge.trainer.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.events.CancelRequested;
import dev.tuneforge.events.CheckpointSaved;
import dev.tuneforge.events.Event;
import dev.tuneforge.events.EventEnvelope;
import dev.tuneforge.events.TrainingCancelled;
import dev.tuneforge.events.TrainingCompleted;
import dev.tuneforge.events.TrainingFailed;
import dev.tuneforge.events.TrainingProgress;
import dev.tuneforge.events.TrainingRequested;
import dev.tuneforge.events.TrainingStarted;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How facts fold into a job's OpenAI status. */
class FineTuningJobTest {

  static final String ID = "ftjob-1";
  static final TrainingRequested REQUEST =
      new TrainingRequested(ID, "tiny-llama", "chats", "v1", "lora", Map.of("lora_r", 8), null, 7);

  static FineTuningJob fold(Event... events) {
    FineTuningJob job = FineTuningJob.unknown(ID);
    for (Event e : events) {
      job = job.next(EventEnvelope.of(e, "test"));
    }
    return job;
  }

  @Test
  void aRequestedJobIsQueued() {
    FineTuningJob job = fold(REQUEST);
    assertEquals(JobStatus.QUEUED, job.status());
    assertEquals("queued", job.status().openAi());
    assertTrue(job.isRequested());
  }

  @Test
  void startedAndProgressingJobsAreRunning() {
    FineTuningJob job =
        fold(
            REQUEST,
            new TrainingStarted(ID, "w1", 1, null, 100),
            new TrainingProgress(ID, 10, 100, 0.1, 2.5, 1e-4, 1.0, 500, 60),
            new CheckpointSaved(ID, 20, "s3://b/runs/ftjob-1/checkpoints/step-20/", "abc"));
    assertEquals(JobStatus.RUNNING, job.status());
    assertEquals(20L, job.step());
    assertTrue(job.startedAt() != null);
  }

  @Test
  void completionSucceedsAndRecordsTheOutput() {
    FineTuningJob job =
        fold(
            REQUEST,
            new TrainingStarted(ID, "w1", 1, null, 100),
            new TrainingCompleted(
                ID,
                "default",
                "tiny-llama",
                null,
                "lora",
                "s3://b/runs/ftjob-1/adapter/",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                Map.of(),
                100,
                12345,
                0.9,
                0.0,
                Map.of()));
    assertEquals("succeeded", job.status().openAi());
    assertEquals("s3://b/runs/ftjob-1/adapter/", job.outputUri());
    assertEquals(12345L, job.trainedTokens());
    assertTrue(job.finishedAt() != null);
  }

  @Test
  void failureAndCancellationAreFinal() {
    FineTuningJob failed =
        fold(
            REQUEST,
            new TrainingFailed(ID, "step 3: loss is NaN", 3L, TrainingFailed.TRAINING_ERROR, null),
            new TrainingStarted(ID, "w2", 2, 3L, 100),
            new TrainingCompleted(
                ID, "default", "m", null, "lora", "u", null, null, null, null, null, null, null,
                Map.of(), 1, 1, 1, 0.0, Map.of()));
    assertEquals(JobStatus.FAILED, failed.status());
    assertEquals("step 3: loss is NaN", failed.error().reason());
    assertEquals(TrainingFailed.TRAINING_ERROR, failed.error().code());
    assertNull(failed.outputUri());

    FineTuningJob cancelled =
        fold(
            REQUEST,
            new CancelRequested(ID, "alice"),
            new TrainingCancelled(ID, 5L, null),
            new TrainingProgress(ID, 6, 100, 0.1, 2.5, 1e-4, 1.0, 500, 60));
    assertEquals("cancelled", cancelled.status().openAi());
    assertTrue(cancelled.cancelRequested());
    assertEquals(5L, cancelled.step());
  }

  @Test
  void aCancelRequestAloneDoesNotChangeTheStatus() {
    FineTuningJob job = fold(REQUEST, new CancelRequested(ID, null));
    assertEquals(JobStatus.QUEUED, job.status());
    assertTrue(job.cancelRequested());
  }

  @Test
  void aSecondRequestForTheSameIdKeepsTheFirst() {
    TrainingRequested other =
        new TrainingRequested(ID, "other-model", "chats", "v2", "full", Map.of(), null, 1);
    assertEquals("tiny-llama", fold(REQUEST, other).request().baseModel());
  }

  /**
   * Requests and reports come from two topics: any interleaving that keeps each topic's order gives
   * the same job.
   */
  @Test
  void theRequestMayBeReadBeforeOrAfterTheReports() {
    List<Event> reports =
        List.of(
            new TrainingStarted(ID, "w1", 1, null, 100),
            new TrainingProgress(ID, 10, 100, 0.1, 2.5, 1e-4, 1.0, 500, 60),
            new TrainingCompleted(
                ID,
                "default",
                "tiny-llama",
                null,
                "lora",
                "s3://out/",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                Map.of(),
                100,
                99,
                0.9,
                0.0,
                Map.of()));
    for (int i = 0; i <= reports.size(); i++) {
      List<Event> order = new ArrayList<>(reports);
      order.add(i, REQUEST);
      FineTuningJob job = fold(order.toArray(Event[]::new));
      assertEquals(JobStatus.SUCCEEDED, job.status(), "request at " + i);
      assertEquals("s3://out/", job.outputUri());
      assertTrue(job.isRequested());
    }
    assertEquals(
        JobStatus.RUNNING,
        fold(Collections.nCopies(1, reports.get(0)).toArray(Event[]::new)).status());
    assertTrue(!fold(reports.get(0)).isRequested(), "reports alone do not make a listed job");
  }
}
