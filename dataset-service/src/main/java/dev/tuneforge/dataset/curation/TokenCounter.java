package dev.tuneforge.dataset.curation;

/**
 * Counts tokens the way the target base model's tokenizer does. The service plugs in a Hugging Face
 * tokenizer (with {@link TokenBounds} when they are proven for it); most tests use {@link
 * WhitespaceTokenCounter}.
 */
@FunctionalInterface
public interface TokenCounter {
  int count(String text);

  /**
   * Counts of many texts at once, in order. The pipeline hands over a few hundred records' turns
   * per call so a native tokenizer can encode them in parallel across cores.
   */
  default int[] countAll(java.util.List<String> texts) {
    int[] counts = new int[texts.size()];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = count(texts.get(i));
    }
    return counts;
  }

  /**
   * Bounds on {@link #count} that need no counting. None by default: a counter offers bounds only
   * when they are proven for its tokenizer (see {@code ByteLevelBpeBounds}).
   */
  default TokenBounds bounds() {
    return TokenBounds.none("none: every record is counted (" + getClass().getSimpleName() + ")");
  }
}
