package dev.tuneforge.evaluator.gate;

import java.util.List;

/** Whether the tuned model passed, and every condition it failed (empty when it passed). */
public record GateResult(boolean passed, List<GateReason> reasons) {
  public GateResult {
    reasons = List.copyOf(reasons);
  }
}
