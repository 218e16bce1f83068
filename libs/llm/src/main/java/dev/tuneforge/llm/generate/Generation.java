package dev.tuneforge.llm.generate;

/**
 * The continuation of one prompt.
 *
 * @param tokens generated ids (without a final eos id)
 * @param text decoded text, cut before a stop string; null when no decoder was given
 * @param finishReason why generation ended
 */
public record Generation(int[] tokens, String text, FinishReason finishReason) {}
