package dev.tuneforge.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The trigger field was added to evaluation outcomes without breaking records written before. */
class EvaluationTriggerTest {
  private final EventCodec codec = new EventCodec();
  private final ObjectMapper json = new ObjectMapper();

  static EvaluationCompleted completed(String jobId, String trigger) {
    return new EvaluationCompleted(
        "eval-9",
        jobId,
        "support",
        "s3://tuneforge/runs/ftjob-9/adapter/",
        null,
        Map.of("exact_match", 1.0),
        Map.of("exact_match", 0.0),
        Map.of("exact_match", 1.0),
        true,
        List.of(),
        "s3://tuneforge/evaluations/eval-9/report.json",
        trigger);
  }

  @Test
  void anOutcomeWrittenBeforeTriggersExistedReadsAsAutomatic() throws Exception {
    ObjectNode root =
        (ObjectNode)
            json.readTree(
                codec.encode(
                    EventEnvelope.of(
                        completed("ftjob-9", EvaluationTrigger.TRAINING_COMPLETED), "old")));
    ((ObjectNode) root.get("payload")).remove("trigger");
    EvaluationCompleted e = codec.decode(root.toString()).payloadAs(EvaluationCompleted.class);
    assertNull(e.trigger());
    assertFalse(e.onDemand());
    assertEquals("ftjob-9", e.key());

    ObjectNode failed =
        (ObjectNode)
            json.readTree(
                codec.encode(
                    EventEnvelope.of(new EvaluationFailed("eval-9", "ftjob-9", "t", "x"), "old")));
    ((ObjectNode) failed.get("payload")).remove("trigger");
    assertFalse(codec.decode(failed.toString()).payloadAs(EvaluationFailed.class).onDemand());
  }

  @Test
  void theShortConstructorsMeanTheAutomaticEvaluation() {
    assertEquals(
        EvaluationTrigger.TRAINING_COMPLETED,
        new EvaluationFailed("eval-9", "ftjob-9", "t", "x").trigger());
  }

  @Test
  void anOnDemandOutcomeIsKeyedByItsEvaluationAndSurvivesARoundTrip() {
    EvaluationCompleted ofRun = completed("ftjob-9", EvaluationTrigger.ON_DEMAND);
    EvaluationCompleted ofBase = completed(null, EvaluationTrigger.ON_DEMAND);
    for (EvaluationCompleted e : List.of(ofRun, ofBase)) {
      assertTrue(e.onDemand());
      assertEquals("eval-9", e.key());
      assertEquals(e, codec.decode(codec.encode(EventEnvelope.of(e, "t"))).payload());
    }
  }
}
