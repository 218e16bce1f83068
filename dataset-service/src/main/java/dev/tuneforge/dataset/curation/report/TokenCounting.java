package dev.tuneforge.dataset.curation.report;

/**
 * How the token counts behind the length filter and the histogram were obtained. Counting runs the
 * tokenizer, the slowest step of curation; bounds decide most records without it. Over the records
 * that reach the length filter: {@code decidedByBounds + decidedByCount} are all of them when the
 * filter is on, and {@code counted + notCounted} are all of them always.
 *
 * @param bounds the bounds used, or why there were none (then every record is counted)
 * @param decidedByBounds records the length filter kept or dropped on their bounds alone
 * @param decidedByCount records the length filter decided on an exact count: their bounds straddled
 *     a limit ({@code boundsUndecided}), there were no bounds, or the drop is shown as a sample in
 *     the report with its exact count
 * @param boundsUndecided records whose bounds straddled min_tokens or max_tokens
 * @param countedForHistogram written records decided by bounds and counted only for the histogram
 * @param counted records whose turns were tokenized, for either reason
 * @param notCounted records never tokenized
 */
public record TokenCounting(
    String bounds,
    long decidedByBounds,
    long decidedByCount,
    long boundsUndecided,
    long countedForHistogram,
    long counted,
    long notCounted) {}
