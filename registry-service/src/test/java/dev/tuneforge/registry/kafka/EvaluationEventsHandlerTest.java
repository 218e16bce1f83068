package dev.tuneforge.registry.kafka;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.events.EvaluationCompleted;
import dev.tuneforge.events.EvaluationTrigger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which evaluation outcomes may move a registered version to staging. */
class EvaluationEventsHandlerTest {

  static EvaluationCompleted passed(String trigger) {
    return new EvaluationCompleted(
        "e-1",
        "j1",
        "acme",
        "s3://b/x/",
        null,
        Map.of("m", 1.0),
        Map.of("m", 0.5),
        Map.of("m", 0.5),
        true,
        List.of(),
        "s3://b/r.json",
        trigger);
  }

  @Test
  void onlyARunsAutomaticEvaluationChangesItsStage() {
    assertTrue(EvaluationEventsHandler.changesStage(passed(EvaluationTrigger.TRAINING_COMPLETED)));
    assertTrue(EvaluationEventsHandler.changesStage(passed(null))); // written before triggers
    assertFalse(EvaluationEventsHandler.changesStage(passed(EvaluationTrigger.ON_DEMAND)));
  }
}
