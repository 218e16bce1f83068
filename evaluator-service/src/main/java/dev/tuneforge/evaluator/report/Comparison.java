package dev.tuneforge.evaluator.report;

import dev.tuneforge.evaluator.gate.CaseVerdict;
import dev.tuneforge.evaluator.gate.Gate;
import dev.tuneforge.evaluator.gate.GatePolicy;
import dev.tuneforge.evaluator.gate.GateResult;
import dev.tuneforge.evaluator.run.CaseOutcome;
import dev.tuneforge.evaluator.run.ModelEvaluation;
import dev.tuneforge.evaluator.run.SampleOutcome;
import dev.tuneforge.evaluator.suite.Suite;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Puts a tuned model's evaluation beside its base's and applies the gate. */
public final class Comparison {
  private Comparison() {}

  /**
   * The policy an evaluation applies: the defaults, then the suite's thresholds, then the job's.
   */
  public static GatePolicy effectivePolicy(Suite suite, GatePolicy job) {
    GatePolicy p = GatePolicy.DEFAULTS;
    if (suite != null) {
      p = p.overriddenBy(suite.gate());
    }
    return job == null ? p : p.overriddenBy(job);
  }

  /**
   * @param suite the suite both were run on, or null
   * @param policy the effective gate ({@code
   *     GatePolicy.DEFAULTS.overriddenBy(suite).overriddenBy(job)})
   */
  public static EvaluationReport compare(
      ModelEvaluation base, ModelEvaluation tuned, Suite suite, GatePolicy policy) {
    Map<String, CaseOutcome> baseCases = new HashMap<>();
    base.cases().forEach(c -> baseCases.put(c.id(), c));
    List<CaseRow> rows = new ArrayList<>();
    List<CaseVerdict> verdicts = new ArrayList<>();
    for (CaseOutcome t : tuned.cases()) {
      CaseOutcome b = baseCases.get(t.id());
      rows.add(
          new CaseRow(
              t.id(),
              t.input(),
              t.expected(),
              t.tags(),
              b == null ? null : b.output(),
              b == null ? null : b.pass(),
              b == null ? null : b.detail(),
              t.output(),
              t.pass(),
              t.detail()));
      verdicts.add(new CaseVerdict(t.id(), b == null ? null : b.pass(), t.pass()));
    }
    Map<Integer, SampleOutcome> baseSamples = new HashMap<>();
    base.samples().forEach(s -> baseSamples.put(s.line(), s));
    List<SampleRow> samples = new ArrayList<>();
    for (SampleOutcome t : tuned.samples()) {
      SampleOutcome b = baseSamples.get(t.line());
      samples.add(
          new SampleRow(
              t.line(),
              t.input(),
              t.expected(),
              b == null ? null : b.output(),
              b == null ? null : b.exactMatch(),
              t.output(),
              t.exactMatch()));
    }
    GateResult gate = Gate.check(policy, tuned.metrics(), base.metrics(), verdicts);
    return new EvaluationReport(
        suite == null ? null : suite.ref(),
        tuned.metrics(),
        base.metrics(),
        tuned.metrics().minus(base.metrics()),
        gate.passed(),
        gate.reasons(),
        policy,
        rows,
        samples);
  }
}
