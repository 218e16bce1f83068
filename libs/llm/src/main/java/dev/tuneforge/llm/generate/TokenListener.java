package dev.tuneforge.llm.generate;

/**
 * Receives each generated token id as soon as it is sampled (streaming). Called on the generator's
 * worker thread, in order, never for an end-of-sequence id; keep it short (hand the token to the
 * HTTP layer's queue) since the whole batch waits for it.
 */
@FunctionalInterface
public interface TokenListener {
  TokenListener NONE = token -> {};

  void onToken(int token);
}
