package dev.tuneforge.evaluator.evaluations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.events.EvaluationCompleted;
import dev.tuneforge.events.EvaluationFailed;
import dev.tuneforge.events.EvaluationRequested;
import dev.tuneforge.events.EvaluationTrigger;
import dev.tuneforge.events.Event;
import dev.tuneforge.events.EventEnvelope;
import dev.tuneforge.platform.view.RecordPosition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ledger's fold: request → running → outcome, first outcome stands, on-demand kept apart. */
class EvaluationLedgerTest {
  private final EvaluationLedger ledger = new EvaluationLedger();
  private long offset;

  private void apply(Event e) {
    ledger.apply(EventEnvelope.of(e, "test"), new RecordPosition("t", 0, offset++));
  }

  static EvaluationRequested request(String id, String jobId) {
    return new EvaluationRequested(
        id, "acme", "bot@production", jobId, "s3://b/models/tiny/main/", null, "s@1", null, null);
  }

  static EvaluationCompleted completed(String id, String jobId, String trigger) {
    return new EvaluationCompleted(
        id,
        jobId,
        "acme",
        "s3://b/x/",
        "s@1",
        Map.of("m", 1.0),
        Map.of("m", 1.0),
        Map.of("m", 0.0),
        true,
        List.of(),
        "s3://b/r.json",
        trigger);
  }

  @Test
  void anOnDemandEvaluationIsQueuedThenRunningThenSucceeded() {
    apply(request("od-1", "j1"));
    assertEquals("queued", ledger.find("od-1").orElseThrow().status());
    ledger.running("od-1", true);
    assertEquals("running", ledger.find("od-1").orElseThrow().status());
    apply(completed("od-1", "j1", EvaluationTrigger.ON_DEMAND));
    ledger.running("od-1", false);
    EvaluationRecord r = ledger.find("od-1").orElseThrow();
    assertEquals("succeeded", r.status());
    assertEquals("bot@production", r.requested().model()); // the request is kept beside it
    assertTrue(ledger.byJob("j1").isEmpty(), "an on-demand outcome is not the job's evaluation");
  }

  @Test
  void anOutcomeReadBeforeItsRequestStandsAndTheFirstOutcomeWins() {
    apply(new EvaluationFailed("od-2", null, "acme", "boom", EvaluationTrigger.ON_DEMAND));
    apply(request("od-2", null));
    apply(completed("od-2", null, EvaluationTrigger.ON_DEMAND));
    assertEquals("failed", ledger.find("od-2").orElseThrow().status());
    assertEquals(1, ledger.all("acme").size());
  }

  @Test
  void anAutomaticOutcomeIsTheJobsEvaluationAlsoWhenWrittenBeforeTriggers() {
    apply(completed("eval-j3", "j3", null));
    assertEquals("eval-j3", ledger.byJob("j3").orElseThrow().id());
    assertEquals(EvaluationTrigger.TRAINING_COMPLETED, ledger.byJob("j3").orElseThrow().trigger());
  }
}
