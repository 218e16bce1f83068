package dev.tuneforge.evaluator.gate;

import dev.tuneforge.evaluator.metrics.Metrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Decides pass/fail for a tuned model against its base under a {@link GatePolicy}. Every failed
 * condition is listed, not only the first; a condition whose figure was not measured fails (a gate
 * that cannot check something must not wave it through).
 */
public final class Gate {
  private Gate() {}

  public static GateResult check(
      GatePolicy policy, Metrics tuned, Metrics base, List<CaseVerdict> cases) {
    List<GateReason> reasons = new ArrayList<>();
    atLeast("min_exact_match", Metrics.EXACT_MATCH, policy.minExactMatch(), tuned, reasons);
    atLeast("min_token_f1", Metrics.TOKEN_F1, policy.minTokenF1(), tuned, reasons);
    atLeast("min_rouge_l", Metrics.ROUGE_L, policy.minRougeL(), tuned, reasons);

    if (Boolean.TRUE.equals(policy.validationLossBelowBase())) {
      OptionalDouble t = tuned.get(Metrics.VALIDATION_LOSS);
      OptionalDouble b = base.get(Metrics.VALIDATION_LOSS);
      if (t.isEmpty() || b.isEmpty()) {
        reasons.add(
            new GateReason(
                "validation_loss_below_base", null, "validation loss not measured on both models"));
      } else if (!(t.getAsDouble() < b.getAsDouble())) {
        reasons.add(
            new GateReason(
                "validation_loss_below_base",
                null,
                fmt(
                    "validation loss %.4f is not below the" + " base model's %.4f",
                    t.getAsDouble(), b.getAsDouble())));
      }
    }

    if (policy.maxRetentionLossIncrease() != null) {
      OptionalDouble t = tuned.get(Metrics.RETENTION_LOSS);
      OptionalDouble b = base.get(Metrics.RETENTION_LOSS);
      if (t.isEmpty() || b.isEmpty()) {
        reasons.add(
            new GateReason(
                "max_retention_loss_increase",
                null,
                "forgetting not checked: retention loss not measured on both models"));
      } else {
        double rise = t.getAsDouble() - b.getAsDouble();
        if (!(rise <= policy.maxRetentionLossIncrease())) {
          reasons.add(
              new GateReason(
                  "max_retention_loss_increase",
                  null,
                  fmt(
                      "forgetting: retention loss rose by"
                          + " %.4f nats (%.4f -> %.4f), more than the allowed %s",
                      rise, b.getAsDouble(), t.getAsDouble(), policy.maxRetentionLossIncrease())));
        }
      }
    }

    if (policy.minSuitePassRate() != null && !cases.isEmpty()) {
      long passed = cases.stream().filter(CaseVerdict::tunedPassed).count();
      double rate = (double) passed / cases.size();
      if (rate < policy.minSuitePassRate()) {
        reasons.add(
            new GateReason(
                "min_suite_pass_rate",
                null,
                fmt(
                    "suite pass rate %.4f (%d/%d) is below %s",
                    rate, passed, cases.size(), policy.minSuitePassRate())));
        for (CaseVerdict c : cases) {
          if (!c.tunedPassed()) {
            reasons.add(
                new GateReason(
                    "min_suite_pass_rate", c.caseId(), "case '" + c.caseId() + "' failed"));
          }
        }
      }
    }

    if (Boolean.TRUE.equals(policy.noRegressions())) {
      for (CaseVerdict c : cases) {
        if (Boolean.TRUE.equals(c.basePassed()) && !c.tunedPassed()) {
          reasons.add(
              new GateReason(
                  "no_regressions",
                  c.caseId(),
                  "case '"
                      + c.caseId()
                      + "' passed on the base model and fails on the tuned model"));
        }
      }
    }
    return new GateResult(reasons.isEmpty(), reasons);
  }

  private static void atLeast(
      String condition, String key, Double min, Metrics tuned, List<GateReason> reasons) {
    if (min == null) {
      return;
    }
    OptionalDouble v = tuned.get(key);
    if (v.isEmpty()) {
      reasons.add(new GateReason(condition, null, key + " not measured"));
    } else if (!(v.getAsDouble() >= min)) {
      reasons.add(
          new GateReason(condition, null, fmt("%s %.4f is below %s", key, v.getAsDouble(), min)));
    }
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
