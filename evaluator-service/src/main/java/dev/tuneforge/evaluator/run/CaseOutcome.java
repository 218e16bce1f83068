package dev.tuneforge.evaluator.run;

import java.util.List;

/** One suite case on one model: the prompt, what was expected, what came out, the verdict. */
public record CaseOutcome(
    String id,
    String input,
    String expected,
    String output,
    boolean pass,
    String detail,
    List<String> tags) {
  public CaseOutcome {
    tags = List.copyOf(tags);
  }
}
