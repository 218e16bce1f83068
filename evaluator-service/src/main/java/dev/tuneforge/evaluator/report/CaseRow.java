package dev.tuneforge.evaluator.report;

import java.util.List;

/** A suite case side by side: the base model's output and verdict beside the tuned model's. */
public record CaseRow(
    String id,
    String input,
    String expected,
    List<String> tags,
    String baseOutput,
    Boolean basePass,
    String baseDetail,
    String tunedOutput,
    boolean tunedPass,
    String tunedDetail) {}
