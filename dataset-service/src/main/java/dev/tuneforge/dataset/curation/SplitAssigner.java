package dev.tuneforge.dataset.curation;

/**
 * Sends a record to validation when its content hash, read as a number in [0, 1), is below the
 * ratio. The decision depends on the record's normalised text and the seed only, never on its
 * position or on the other records, so adding records to a dataset never moves existing ones
 * between splits. The seed is mixed in so a different seed gives a different, equally stable split.
 */
public final class SplitAssigner {

  private final double ratio;
  private final long salt;

  public SplitAssigner(double ratio, long seed) {
    this.ratio = ratio;
    this.salt = seed * 0x9E3779B97F4A7C15L;
  }

  public boolean isValidation(long splitHash) {
    if (ratio <= 0) {
      return false;
    }
    long h = splitHash ^ salt;
    h = (h ^ (h >>> 33)) * 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    double unit = (h >>> 11) * 0x1.0p-53; // top 53 bits: uniform in [0, 1)
    return unit < ratio;
  }
}
