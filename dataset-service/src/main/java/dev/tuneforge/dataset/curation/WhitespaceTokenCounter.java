package dev.tuneforge.dataset.curation;

/**
 * A stand-in {@link TokenCounter}: whitespace-separated words. Real BPE tokenizers give roughly 1.3
 * tokens per English word, so limits tuned with this one are not limits for a real model.
 */
public final class WhitespaceTokenCounter implements TokenCounter {

  @Override
  public int count(String text) {
    int count = 0;
    boolean inWord = false;
    for (int i = 0, n = text.length(); i < n; i++) {
      boolean space = Character.isWhitespace(text.charAt(i));
      if (!space && !inWord) {
        count++;
      }
      inWord = !space;
    }
    return count;
  }
}
