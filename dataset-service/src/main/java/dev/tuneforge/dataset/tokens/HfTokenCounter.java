package dev.tuneforge.dataset.tokens;

import dev.tuneforge.dataset.curation.TokenBounds;
import dev.tuneforge.dataset.curation.TokenCounter;
import dev.tuneforge.llm.tokenizer.Tokenizer;
import java.util.List;

/**
 * Token counts with a base model's own tokenizer, without special tokens (what the text costs), and
 * the bounds the length filter may decide with instead of counting ({@link ByteLevelBpeSpec}).
 */
public final class HfTokenCounter implements TokenCounter {
  private final Tokenizer tokenizer;
  private final TokenBounds bounds;

  public HfTokenCounter(Tokenizer tokenizer, TokenBounds bounds) {
    this.tokenizer = tokenizer;
    this.bounds = bounds;
  }

  /** A counter without bounds: every record is counted (what the bounded one must agree with). */
  public HfTokenCounter(Tokenizer tokenizer) {
    this(
        tokenizer, TokenBounds.none("none: exact counting was asked for; every record is counted"));
  }

  @Override
  public int count(String text) {
    return tokenizer.encode(text, false).length;
  }

  @Override
  public int[] countAll(List<String> texts) {
    return tokenizer.countTokens(texts, false);
  }

  @Override
  public TokenBounds bounds() {
    return bounds;
  }
}
