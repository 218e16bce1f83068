package dev.tuneforge.dataset.curation.report;

/**
 * The report's token-length histogram, exact when it can be and sampled when it must be. When the
 * length filter decides records from bounds, their tokens are never counted, so an exact histogram
 * of all written records may not exist; then the report shows the histogram of a content-hash
 * sample that is always counted and says so. The sample thins as it grows: records carry a level
 * (see {@code HistogramSampling}), the sample is every written record of level >= {@link
 * #minLevel()}, and that minimum rises by one each time the sample passes {@code 2 * target}
 * records. When every written record was counted anyway, the exact histogram is shown. Thread-safe:
 * counts may arrive from a background counter.
 */
public final class TokenLengths {

  private static final int LEVELS = 65; // trailing zero bits of a 64-bit hash: 0..64

  private final TokenHistogram all = new TokenHistogram();
  private final TokenHistogram[] byLevel = new TokenHistogram[LEVELS];
  private final int target;
  private final String sampling;
  private volatile int minLevel;
  private long sampleSize;
  private long uncounted;

  /**
   * @param target the sample holds about target to 2 * target records once it thins
   * @param sampling how the sample is chosen, in words, for the report
   */
  public TokenLengths(int target, String sampling) {
    this.target = target;
    this.sampling = sampling;
    for (int i = 0; i < LEVELS; i++) {
      byLevel[i] = new TokenHistogram();
    }
  }

  /** True when a written record of this level belongs to the sample as it stands: count it. */
  public boolean wanted(int level) {
    return level >= minLevel;
  }

  /** The sample is every written record whose level is at least this; it never goes down. */
  public int minLevel() {
    return minLevel;
  }

  /**
   * One written record.
   *
   * @param tokens its count, or -1 when it was not counted (only allowed when not {@link #wanted})
   * @param level its level
   */
  public synchronized void written(int tokens, int level) {
    if (tokens < 0) {
      if (level >= minLevel) {
        throw new IllegalStateException(
            "a sampled record must be counted: the histogram would be biased");
      }
      uncounted++;
      return;
    }
    all.add(tokens);
    if (level < minLevel) {
      return;
    }
    byLevel[level].add(tokens);
    sampleSize++;
    while (sampleSize > 2L * target && minLevel < LEVELS - 1) {
      sampleSize -= byLevel[minLevel].records();
      byLevel[minLevel] = null; // dropped from the sample for good
      minLevel++;
    }
  }

  /** Written records that were never counted. */
  public synchronized long uncounted() {
    return uncounted;
  }

  public synchronized TokenHistogram.Snapshot snapshot() {
    if (uncounted == 0) {
      return all.snapshot(false, 1, "every written record, counted exactly");
    }
    TokenHistogram sample = new TokenHistogram();
    for (int level = minLevel; level < LEVELS; level++) {
      sample.addAll(byLevel[level]);
    }
    return sample.snapshot(true, 1L << Math.min(minLevel, 62), sampling);
  }
}
