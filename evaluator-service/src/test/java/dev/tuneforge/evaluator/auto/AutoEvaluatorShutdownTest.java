package dev.tuneforge.evaluator.auto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.evaluator.evaluations.EvaluationLedger;
import dev.tuneforge.evaluator.evaluations.EvaluationRecord;
import dev.tuneforge.evaluator.testing.Publish;
import dev.tuneforge.events.EvaluationCompleted;
import dev.tuneforge.events.EvaluationFailed;
import dev.tuneforge.events.Event;
import dev.tuneforge.events.TrainingCompleted;
import dev.tuneforge.platform.EventPublisher;
import dev.tuneforge.platform.view.KafkaView;
import dev.tuneforge.platform.view.RecordPosition;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An evaluation that fails because the service is shutting down under it (storage client or
 * producer closed) is left unrecorded and unacknowledged, to be redone after restart; the same
 * failure while running normally is the evaluation's own and is recorded as EvaluationFailed.
 */
class AutoEvaluatorShutdownTest {
  final List<Event> published = new CopyOnWriteArrayList<>();
  final AutoEvaluator evaluator = new AutoEvaluator();

  AutoEvaluatorShutdownTest() {
    evaluator.ledger =
        new EvaluationLedger() {
          @Override
          public boolean awaitCaughtUp(Duration timeout) {
            return true;
          }

          @Override
          public Optional<EvaluationRecord> byJob(String jobId) {
            return Optional.empty();
          }
        };
    evaluator.publisher =
        new EventPublisher() {
          @Override
          public RecordPosition publishAndAwait(
              String topic, Event event, KafkaView view, Duration timeout) {
            published.add(event);
            return new RecordPosition(topic, 0, published.size());
          }
        };
    evaluator.evaluation =
        new JobEvaluation() {
          @Override
          public EvaluationCompleted evaluate(String evaluationId, TrainingCompleted t) {
            throw new IllegalStateException(
                "cannot stat s3://tuneforge/evaluations/x/manifest.json: executor rejected");
          }
        };
    evaluator.topic = "evaluations";
  }

  static TrainingCompleted job() {
    return Publish.completed(
        "ftjob-1",
        "acme",
        "tiny",
        "s3://tuneforge/runs/ftjob-1/adapter/",
        null,
        null,
        null,
        Map.of());
  }

  @AfterEach
  void stopWorker() {
    evaluator.stop();
  }

  @Test
  void aFailureDuringShutdownLeavesTheEvaluationToBeRedone() throws Exception {
    evaluator.onShutdown(null);
    AutoEvaluator.Result r = evaluator.submit(job(), null, System.nanoTime()).get();
    assertEquals(AutoEvaluator.Result.ABANDONED, r);
    assertTrue(published.isEmpty(), published.toString());
  }

  @Test
  void theSameFailureWhileRunningIsRecorded() throws Exception {
    AutoEvaluator.Result r = evaluator.submit(job(), null, System.nanoTime()).get();
    assertEquals(AutoEvaluator.Result.RECORDED, r);
    EvaluationFailed f = assertInstanceOf(EvaluationFailed.class, published.get(0));
    assertTrue(f.reason().contains("executor rejected"), f.reason());
  }
}
