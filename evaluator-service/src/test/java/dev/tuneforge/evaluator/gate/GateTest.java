package dev.tuneforge.evaluator.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.evaluator.Parsed;
import dev.tuneforge.evaluator.metrics.Metrics;
import dev.tuneforge.platform.api.FieldError;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GateTest {
  private static final Metrics BASE =
      new Metrics(
          Map.of(
              Metrics.EXACT_MATCH,
              0.1,
              Metrics.VALIDATION_LOSS,
              2.0,
              Metrics.RETENTION_LOSS,
              1.0,
              Metrics.SUITE_PASS_RATE,
              0.5));
  private static final Metrics GOOD =
      new Metrics(
          Map.of(
              Metrics.EXACT_MATCH,
              0.8,
              Metrics.VALIDATION_LOSS,
              1.0,
              Metrics.RETENTION_LOSS,
              1.05,
              Metrics.SUITE_PASS_RATE,
              1.0));
  private static final List<CaseVerdict> ALL_PASS =
      List.of(new CaseVerdict("a", true, true), new CaseVerdict("b", false, true));

  @Test
  void aBetterModelPassesTheDefaults() {
    GateResult r =
        Gate.check(
            GatePolicy.DEFAULTS.overriddenBy(policy("{\"min_exact_match\": 0.5}")),
            GOOD,
            BASE,
            ALL_PASS);
    assertTrue(r.passed(), r.reasons().toString());
    assertEquals(List.of(), r.reasons());
  }

  @Test
  void everyFailedConditionIsListedByNameAndCase() {
    Metrics bad =
        new Metrics(
            Map.of(
                Metrics.EXACT_MATCH,
                0.2,
                Metrics.VALIDATION_LOSS,
                2.5,
                Metrics.RETENTION_LOSS,
                1.5,
                Metrics.SUITE_PASS_RATE,
                1.0 / 3));
    List<CaseVerdict> cases =
        List.of(
            new CaseVerdict("kept", true, true),
            new CaseVerdict("regressed", true, false),
            new CaseVerdict("never", false, false));
    GateResult r =
        Gate.check(
            GatePolicy.DEFAULTS.overriddenBy(policy("{\"min_exact_match\": 0.5}")),
            bad,
            BASE,
            cases);
    assertFalse(r.passed());
    List<String> named = r.reasons().stream().map(x -> x.condition() + "/" + x.caseId()).toList();
    assertEquals(
        List.of(
            "min_exact_match/null",
            "validation_loss_below_base/null",
            "max_retention_loss_increase/null",
            "min_suite_pass_rate/null",
            "min_suite_pass_rate/regressed",
            "min_suite_pass_rate/never",
            "no_regressions/regressed"),
        named);
    assertTrue(
        r.reasons().get(2).message().startsWith("forgetting: retention loss rose by 0.5000"),
        r.reasons().get(2).message());
  }

  @Test
  void forgettingThresholdIsTheRiseInRetentionLoss() {
    GatePolicy allowHalf =
        GatePolicy.NONE.overriddenBy(policy("{\"max_retention_loss_increase\": 0.5}"));
    Metrics rose = new Metrics(Map.of(Metrics.RETENTION_LOSS, 1.5));
    assertTrue(
        Gate.check(allowHalf, rose, BASE, List.of()).passed(), "a rise equal to the limit passes");
    GatePolicy allowLess =
        GatePolicy.NONE.overriddenBy(policy("{\"max_retention_loss_increase\": 0.4999}"));
    GateResult r = Gate.check(allowLess, rose, BASE, List.of());
    assertEquals("max_retention_loss_increase", r.reasons().get(0).condition());
  }

  @Test
  void aConditionThatCannotBeCheckedFails() {
    GateResult r =
        Gate.check(
            GatePolicy.NONE.overriddenBy(
                policy("{\"min_rouge_l\": 0.1," + " \"validation_loss_below_base\": true}")),
            new Metrics(Map.of()),
            BASE,
            List.of());
    assertEquals(
        List.of("min_rouge_l", "validation_loss_below_base"),
        r.reasons().stream().map(GateReason::condition).toList());
  }

  @Test
  void laterPoliciesOverrideEarlierOnesFieldByField() {
    GatePolicy suite = policy("{\"min_suite_pass_rate\": 0.8, \"min_exact_match\": 0.3}");
    GatePolicy job = policy("{\"min_exact_match\": 0.6, \"no_regressions\": false}");
    GatePolicy effective = GatePolicy.DEFAULTS.overriddenBy(suite).overriddenBy(job);
    assertEquals(new GatePolicy(0.6, null, null, true, 0.1, 0.8, false), effective);
  }

  @Test
  void badThresholdsAreFieldErrors() {
    Parsed<GatePolicy> p =
        GatePolicy.parse(
            json(
                "{\"min_exact_match\": 1.5, \"no_regressions\": \"yes\","
                    + " \"max_forgetting\": 1}"),
            "gate");
    assertEquals(
        List.of("gate.max_forgetting", "gate.min_exact_match", "gate.no_regressions"),
        p.errors().stream().map(FieldError::param).sorted().toList());
  }

  private static GatePolicy policy(String json) {
    Parsed<GatePolicy> p = GatePolicy.parse(json(json), "gate");
    assertTrue(p.ok(), () -> p.errors().toString());
    return p.value();
  }

  private static com.fasterxml.jackson.databind.JsonNode json(String s) {
    try {
      return new ObjectMapper().readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }
}
