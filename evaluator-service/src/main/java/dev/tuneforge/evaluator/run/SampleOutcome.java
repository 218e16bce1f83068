package dev.tuneforge.evaluator.run;

/**
 * One validation record's completion and its scores.
 *
 * @param line 1-based line of the record in the validation split
 * @param generatedTokens tokens generated (without the final end-of-sequence id)
 */
public record SampleOutcome(
    int line,
    String input,
    String expected,
    String output,
    boolean exactMatch,
    double tokenF1,
    double rougeL,
    int generatedTokens) {}
