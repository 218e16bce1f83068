package dev.tuneforge.evaluator.run;

import dev.tuneforge.evaluator.metrics.Metrics;
import java.util.List;

/**
 * Everything measured on one model: its metrics, each validation completion, each suite case. A
 * base model's evaluation on a suite can be cached per base revision and suite version.
 */
public record ModelEvaluation(
    Metrics metrics, List<SampleOutcome> samples, List<CaseOutcome> cases) {
  public ModelEvaluation {
    samples = List.copyOf(samples);
    cases = List.copyOf(cases);
  }
}
