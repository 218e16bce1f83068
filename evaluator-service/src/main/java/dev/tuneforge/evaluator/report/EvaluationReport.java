package dev.tuneforge.evaluator.report;

import dev.tuneforge.evaluator.gate.GatePolicy;
import dev.tuneforge.evaluator.gate.GateReason;
import dev.tuneforge.evaluator.metrics.Metrics;
import java.util.List;

/**
 * The outcome of evaluating a tuned model against its base: the two sets of metrics under the same
 * keys, their differences (tuned − base), the gate's verdict with every failed condition, and the
 * per-case and per-record tables side by side. {@link ReportJson} writes it as stored and served.
 *
 * @param suite {@code name@version} of the suite run, or null
 * @param gate the effective policy the verdict applied
 */
public record EvaluationReport(
    String suite,
    Metrics metrics,
    Metrics baseMetrics,
    Metrics deltas,
    boolean passed,
    List<GateReason> reasons,
    GatePolicy gate,
    List<CaseRow> cases,
    List<SampleRow> samples) {
  public EvaluationReport {
    reasons = List.copyOf(reasons);
    cases = List.copyOf(cases);
    samples = List.copyOf(samples);
  }
}
