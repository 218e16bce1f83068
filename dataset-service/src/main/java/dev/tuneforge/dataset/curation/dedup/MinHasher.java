package dev.tuneforge.dataset.curation.dedup;

import dev.tuneforge.dataset.curation.ShingleKind;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * MinHash signatures over word or character n-gram shingles: for each of P hash functions the
 * smallest hash among a text's shingles, so two texts agree on a position with probability equal to
 * the Jaccard similarity of their shingle sets (Broder 1997). The P functions are {@code h_i(x) =
 * a_i * x + b_i} over 64-bit shingle hashes, with {@code a_i, b_i} drawn from the seed:
 * deterministic, and one multiply-add per shingle and function. Minimums are taken in signed order;
 * any fixed total order gives a valid min-wise hash. Not thread-safe: reuses its signature array.
 */
public final class MinHasher {

  private final long[] a;
  private final long[] b;
  private final ShingleKind kind;
  private final int size;
  private final long[] signature;
  private final long[] window;

  public MinHasher(int permutations, long seed, ShingleKind kind, int shingleSize) {
    SplittableRandom random = new SplittableRandom(seed);
    a = new long[permutations];
    b = new long[permutations];
    for (int i = 0; i < permutations; i++) {
      a[i] = random.nextLong() | 1L; // odd: multiplication by it is a bijection mod 2^64
      b[i] = random.nextLong();
    }
    this.kind = kind;
    this.size = shingleSize;
    this.signature = new long[permutations];
    this.window = new long[shingleSize];
  }

  /** The signature of a normalised text; the array is reused by the next call. */
  public long[] signature(String text) {
    Arrays.fill(signature, Long.MAX_VALUE);
    if (kind == ShingleKind.WORD) {
      wordShingles(text);
    } else {
      charShingles(text);
    }
    return signature;
  }

  public int permutations() {
    return signature.length;
  }

  private void wordShingles(String text) {
    int words = 0;
    int n = text.length();
    int i = 0;
    while (i < n) {
      while (i < n && isSeparator(text.charAt(i))) {
        i++;
      }
      if (i == n) {
        break;
      }
      int start = i;
      while (i < n && !isSeparator(text.charAt(i))) {
        i++;
      }
      window[words % size] = Hashing.hashChars(text, start, i);
      words++;
      if (words >= size) {
        add(shingleOfWindow(words));
      }
    }
    if (words > 0 && words < size) {
      // Shorter than one shingle: the whole text is its only shingle.
      add(shingleOfWindow(words));
    }
  }

  /** Hash of the last min(size, words) word hashes in text order. */
  private long shingleOfWindow(int words) {
    int count = Math.min(size, words);
    long h = 0x632BE59BD9B4E019L;
    for (int k = words - count; k < words; k++) {
      h = Hashing.mix64(h ^ window[k % size]);
    }
    return h;
  }

  private void charShingles(String text) {
    int n = text.length();
    if (n == 0) {
      return;
    }
    if (n <= size) {
      add(Hashing.hashChars(text, 0, n));
      return;
    }
    for (int i = 0; i + size <= n; i++) {
      add(Hashing.hashChars(text, i, i + size));
    }
  }

  private void add(long shingle) {
    long[] sig = signature;
    for (int p = 0; p < sig.length; p++) {
      long v = shingle * a[p] + b[p];
      if (v < sig[p]) {
        sig[p] = v;
      }
    }
  }

  /** Spaces and the normaliser's role/turn separators all end a word. */
  private static boolean isSeparator(char c) {
    return c <= ' ';
  }
}
