package dev.tuneforge.llm.train.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneforge.llm.testutil.Fixtures;
import org.junit.jupiter.api.Test;

class LrScheduleTest {

  @Test
  void everyStepMatchesTransformersLambdaLr() {
    JsonNode fx = Fixtures.json("hf_schedules.json");
    int checked = 0;
    for (JsonNode s : fx.get("schedules")) {
      LrSchedule.Kind kind = LrSchedule.Kind.parse(s.get("kind").asText());
      int warmup = s.get("warmup").asInt();
      long total = s.get("total").asLong();
      LrSchedule schedule = LrSchedule.of(kind, warmup, total);
      JsonNode lrs = s.get("lr");
      for (int step = 0; step < lrs.size(); step++) {
        double want = lrs.get(step).asDouble();
        assertEquals(
            want,
            schedule.lr(1.0, step),
            1e-15,
            kind + " warmup " + warmup + " total " + total + " step " + step);
        checked++;
      }
    }
    assertTrue(checked > 200, "checked " + checked + " steps");
  }

  @Test
  void handFormulasAtChosenSteps() {
    LrSchedule cos = LrSchedule.cosine(10, 110);
    assertEquals(0.0, cos.factor(0)); // the first update has lr 0, as in HF
    assertEquals(0.5, cos.factor(5), 0); // half-way through warmup
    assertEquals(1.0, cos.factor(10), 0); // peak
    assertEquals(0.5, cos.factor(60), 1e-15); // half-way through decay: ½(1 + cos(π/2))
    assertEquals(0.5 * (1 + Math.cos(Math.PI * 0.25)), cos.factor(35), 1e-15);
    assertEquals(0.0, cos.factor(110), 1e-15);
    LrSchedule lin = LrSchedule.linear(4, 20);
    assertEquals(0.75, lin.factor(3), 0);
    assertEquals(1.0, lin.factor(4), 0);
    assertEquals(0.5, lin.factor(12), 0); // (20 − 12) / 16
    assertEquals(0.0, lin.factor(25), 0); // clamped past the end
    assertEquals(0.2, LrSchedule.constant(5).factor(1), 0);
    assertEquals(1.0, LrSchedule.constant(5).factor(500), 0);
    assertEquals(1.0, LrSchedule.constant(0).factor(0), 0);
    assertEquals(3e-4 * 0.5, lin.lr(3e-4, 12), 0);
  }

  @Test
  void warmupRatioRoundsUpLikeTransformers() {
    assertEquals(3, LrSchedule.warmupSteps(null, 0.03, 100));
    assertEquals(
        8,
        LrSchedule.warmupSteps(
            null, 0.07, 100)); // 100 * 0.07 = 7.000000000000001 in doubles, as in Python
    assertEquals(30, LrSchedule.warmupSteps(null, 0.1, 300));
    assertEquals(1, LrSchedule.warmupSteps(null, 0.001, 7));
    assertEquals(0, LrSchedule.warmupSteps(null, null, 7));
    assertEquals(12, LrSchedule.warmupSteps(12, null, 7));
  }

  @Test
  void invalidSettingsNameTheKey() {
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.Kind.parse("polynomial"))
            .getMessage()
            .contains("lr_scheduler"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.warmupSteps(3, 0.1, 10))
            .getMessage()
            .contains("warmup_ratio"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.warmupSteps(null, 1.5, 10))
            .getMessage()
            .contains("warmup_ratio"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.constant(-1))
            .getMessage()
            .contains("warmup_steps"));
    assertEquals(LrSchedule.Kind.COSINE, LrSchedule.Kind.parse("cosine_with_warmup"));
  }
}
