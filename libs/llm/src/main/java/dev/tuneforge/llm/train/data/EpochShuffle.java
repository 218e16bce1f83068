package dev.tuneforge.llm.train.data;

/**
 * The example order of an epoch as a pure function of (seed, epoch), so a resumed run restores it
 * from two numbers. Documented so it can be reimplemented anywhere:
 *
 * <ol>
 *   <li>PRNG: SplitMix64 (Steele, Lea &amp; Flood 2014) with initial state {@code seed ^
 *       (0x9E3779B97F4A7C15 · (epoch + 1))} (64-bit wrap-around).
 *   <li>Bounded draw: {@code bits = next() >>> 33} (31 bits), {@code val = bits % bound}, redrawn
 *       while {@code bits − val + (bound − 1)} overflows an int (java.util.Random's unbiased rule).
 *   <li>Fisher–Yates: start from 0..n−1; for i = n−1 down to 1 swap i with draw(i + 1).
 * </ol>
 */
public final class EpochShuffle {

  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private EpochShuffle() {}

  /** The order of {@code n} items in {@code epoch} (0-based). */
  public static int[] permutation(long seed, int epoch, int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    SplitMix64 rng = new SplitMix64(seed ^ (GOLDEN * (epoch + 1L)));
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
    return order;
  }

  /** SplitMix64: 64-bit state, golden-ratio increment, the murmur3-style finaliser. */
  static final class SplitMix64 {
    private long state;

    SplitMix64(long state) {
      this.state = state;
    }

    long next() {
      long z = (state += GOLDEN);
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      return z ^ (z >>> 31);
    }

    int nextInt(int bound) {
      int bits;
      int val;
      do {
        bits = (int) (next() >>> 33);
        val = bits % bound;
      } while (bits - val + (bound - 1) < 0);
      return val;
    }
  }
}
