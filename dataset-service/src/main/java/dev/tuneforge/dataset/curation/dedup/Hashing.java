package dev.tuneforge.dataset.curation.dedup;

/**
 * Small, fixed 64-bit mixing functions: their output must never change, or splits and dedup would.
 */
final class Hashing {

  private Hashing() {}

  /** SplitMix64's finaliser: a bijection that spreads every input bit over every output bit. */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A 64-bit hash of {@code text[from, to)}; char by char so no substring is allocated. */
  static long hashChars(CharSequence text, int from, int to) {
    long h = 0x9E3779B97F4A7C15L;
    for (int i = from; i < to; i++) {
      h = (h ^ text.charAt(i)) * 0x100000001B3L;
    }
    return mix64(h);
  }
}
