package dev.tuneforge.dataset.tokens;

import dev.tuneforge.dataset.curation.TokenBounds;
import dev.tuneforge.dataset.curation.TokenRange;

/**
 * Token-count bounds of a byte-level BPE tokenizer (GPT-2, Llama 3, Qwen2 style), per text encoded
 * without special tokens, as {@link HfTokenCounter} counts:
 *
 * <pre>
 *   ceil(bytes / L)  <=  tokens  <=  bytes        bytes = UTF-8 length of the text
 * </pre>
 *
 * Upper: byte-level pre-tokenisation turns every input byte into one alphabet character and BPE
 * only merges characters, so each token covers at least one byte (an added token matched in the
 * text covers its whole, non-empty content). Lower: no token covers more than L bytes, L being the
 * longest vocabulary entry read back to bytes or the longest added token; it needs every one of the
 * 256 byte characters in the vocabulary (else unknown bytes may vanish or fuse) and no added token
 * that strips neighbouring whitespace, otherwise it is 0. {@link ByteLevelBpeSpec} checks that
 * {@code tokenizer.json} is such a tokenizer; this class only does the arithmetic.
 *
 * <p>When the normaliser is a Unicode normal form or lowercasing, which can change the length of
 * non-ASCII text, only all-ASCII texts are bounded (ASCII is unchanged by NFC, NFD, NFKC, NFKD and
 * keeps its length when lowercased); other texts get {@link TokenRange#UNKNOWN} and are counted.
 */
public final class ByteLevelBpeBounds implements TokenBounds {

  private final int longestTokenBytes;
  private final String noLowerBound;
  private final boolean lowerBound;
  private final boolean asciiOnly;

  /**
   * @param longestTokenBytes L, the most bytes one token can cover
   * @param noLowerBound why the lower bound does not hold for this tokenizer (then it is 0), or
   *     null when it holds
   * @param asciiOnly true when the normaliser may change non-ASCII text
   */
  ByteLevelBpeBounds(int longestTokenBytes, String noLowerBound, boolean asciiOnly) {
    if (longestTokenBytes < 1) {
      throw new IllegalArgumentException(
          "longest token must cover at least one byte, was " + longestTokenBytes);
    }
    this.longestTokenBytes = longestTokenBytes;
    this.noLowerBound = noLowerBound;
    this.lowerBound = noLowerBound == null;
    this.asciiOnly = asciiOnly;
  }

  @Override
  public TokenRange range(String text) {
    int bytes = 0;
    boolean ascii = true;
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes++;
        continue;
      }
      ascii = false;
      if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        // An unpaired surrogate has no UTF-8 form; what reaches the native tokenizer is not defined
        // here.
        return TokenRange.UNKNOWN;
      } else {
        bytes += 3;
      }
    }
    if (asciiOnly && !ascii) {
      return TokenRange.UNKNOWN;
    }
    int lower = lowerBound ? (bytes + longestTokenBytes - 1) / longestTokenBytes : 0;
    return new TokenRange(lower, bytes);
  }

  @Override
  public boolean available() {
    return true;
  }

  /** L: the most bytes of text one token can cover. */
  public int longestTokenBytes() {
    return longestTokenBytes;
  }

  @Override
  public String description() {
    String lower =
        lowerBound ? "ceil(bytes/" + longestTokenBytes + ")" : "0 (" + noLowerBound + ")";
    return "byte-level BPE: "
        + lower
        + " <= tokens <= bytes per turn"
        + (asciiOnly ? ", for all-ASCII turns only (the normaliser may change other text)" : "");
  }
}
