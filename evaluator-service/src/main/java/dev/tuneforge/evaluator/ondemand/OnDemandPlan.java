package dev.tuneforge.evaluator.ondemand;

import dev.tuneforge.events.EvaluationRequested;
import dev.tuneforge.platform.api.FieldError;
import java.util.List;

/** What an on-demand evaluation request comes to, before anything is published. */
public sealed interface OnDemandPlan {

  /** Every name resolved and checked: ready to be recorded and run. */
  record Ready(EvaluationRequested request) implements OnDemandPlan {}

  /** Bad or unknown names, each naming its field. */
  record Invalid(List<FieldError> errors) implements OnDemandPlan {}

  /** {@code model} is another team's fine-tuned model: answered as if it did not exist. */
  record NotFound(String field, String message) implements OnDemandPlan {}
}
