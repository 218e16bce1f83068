package dev.tuneforge.evaluator.run;

import dev.tuneforge.evaluator.suite.Suite;
import dev.tuneforge.llm.eval.RetentionCorpus;
import java.util.List;

/**
 * What a model is evaluated on; each part optional (empty list / null), and a missing part leaves
 * its metrics out.
 *
 * @param validation the run's validation split
 * @param retention general text for the forgetting check (default: {@link
 *     RetentionCorpus#forBaseModel})
 * @param suite the regression suite
 */
public record EvaluationInputs(
    List<ValidationRecord> validation, RetentionCorpus retention, Suite suite) {
  public EvaluationInputs {
    validation = List.copyOf(validation);
  }
}
