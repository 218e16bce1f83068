package dev.tuneforge.dataset.tokens;

import dev.tuneforge.dataset.curation.TokenCounter;
import dev.tuneforge.llm.tokenizer.Tokenizer;

/** Token counts with a base model's own tokenizer, without special tokens (what the text costs). */
public final class HfTokenCounter implements TokenCounter {
  private final Tokenizer tokenizer;

  public HfTokenCounter(Tokenizer tokenizer) {
    this.tokenizer = tokenizer;
  }

  @Override
  public int count(String text) {
    return tokenizer.encode(text, false).length;
  }

  @Override
  public int[] countAll(java.util.List<String> texts) {
    return tokenizer.countTokens(texts, false);
  }
}
