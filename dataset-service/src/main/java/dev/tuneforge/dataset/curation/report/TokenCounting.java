package dev.tuneforge.dataset.curation.report;

/**
 * How the token counts behind the length filter and the histogram were obtained. Counting runs the
 * tokenizer, the slowest step of curation; bounds decide most records without it.
 *
 * @param bounds           the bounds used, or why there were none (then every record is counted)
 * @param counted          records whose turns were tokenized
 * @param notCounted       records never tokenized
 * @param decidedByBounds  records the length filter kept or dropped on their bounds alone (equal to
 *                         notCounted when the filter is on, 0 when it is off)
 * @param boundsUndecided  records counted because their bounds straddled min_tokens or max_tokens
 */
public record TokenCounting(String bounds, long counted, long notCounted, long decidedByBounds,
                            long boundsUndecided) {
}
