package dev.tuneforge.llm.train;

/**
 * An evaluation on the validation set.
 *
 * @param step optimizer step after which it ran
 * @param loss mean cross-entropy over every validation target token
 * @param perplexity {@code exp(loss)}
 * @param improved whether it beat the best loss so far by more than min_delta
 */
public record EvalReport(long step, double loss, double perplexity, boolean improved) {}
