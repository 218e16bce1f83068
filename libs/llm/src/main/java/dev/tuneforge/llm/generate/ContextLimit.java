package dev.tuneforge.llm.generate;

import dev.tuneforge.llm.config.ModelConfig;

/**
 * A request is checked against the model's context before anything is allocated: the KV cache and
 * masks are sized prompt + {@code max_new_tokens}, so a request for 2^31 tokens would otherwise
 * overflow or exhaust memory instead of failing with a message.
 */
public final class ContextLimit {
  private ContextLimit() {}

  /**
   * @param longestPrompt tokens in the longest prompt of the batch
   * @param maxNewTokens the request's {@code max_new_tokens}
   * @throws IllegalArgumentException naming the option and the limit
   */
  public static void check(int longestPrompt, int maxNewTokens, ModelConfig config) {
    long context = config.maxPositionEmbeddings();
    if (longestPrompt > context) {
      throw new IllegalArgumentException(
          "prompt of "
              + longestPrompt
              + " tokens is longer than the"
              + " model's context of "
              + context
              + " tokens (max_position_embeddings)");
    }
    if ((long) longestPrompt + maxNewTokens > context) {
      throw new IllegalArgumentException(
          "max_new_tokens "
              + maxNewTokens
              + " with a prompt of "
              + longestPrompt
              + " tokens needs "
              + ((long) longestPrompt + maxNewTokens)
              + " positions, over the model's context of "
              + context
              + " (max_position_embeddings);"
              + " max_new_tokens may be at most "
              + (context - longestPrompt)
              + " here");
    }
  }
}
