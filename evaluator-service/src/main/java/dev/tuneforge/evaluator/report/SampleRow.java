package dev.tuneforge.evaluator.report;

/**
 * A validation record side by side: the reference, the base model's completion, the tuned model's.
 */
public record SampleRow(
    int line,
    String input,
    String expected,
    String baseOutput,
    Boolean baseExactMatch,
    String tunedOutput,
    boolean tunedExactMatch) {}
