package dev.tuneforge.dataset.curation;

import dev.tuneforge.dataset.record.Message;
import java.util.List;

/**
 * Which written records are counted for the report's token-length histogram when bounds let the
 * length filter skip counting (see {@link TokenBounds}): every record while the dataset is small, a
 * thinning sample of about {@code target} to {@code 2 * target} records once it is not.
 *
 * <p>A record's level is the number of trailing zero bits of a hash of its turns' roles and text
 * ({@link String#hashCode}, which Java specifies, mixed by MurmurHash3's finaliser): a record has
 * level >= j with probability 1/2^j. The sample is every written record of level >= j, starting at
 * j = 0 (all records); each time it passes {@code 2 * target} records j goes up by one, which keeps
 * about half of it. Raising j only ever drops records, and every record of level >= the final j was
 * counted when it was written, so the sample is the same whatever the order of the input: 1 in 2^j
 * of the written records, by content. See {@link
 * dev.tuneforge.dataset.curation.report.TokenLengths}.
 *
 * @param target once the sample thins it holds at most twice this many records, and about this many
 *     right after each thinning (the dropped level is half of the sample on average, so a little
 *     less or more)
 */
public record HistogramSampling(int target) {

  /**
   * About 4,096 to 8,192 records: each power-of-two bucket holding 10% of the records is then known
   * to about ±5%, and a million-record run counts ~40,000 records for it (a few CPU-seconds of a
   * byte-level BPE, on a background thread). Datasets of up to 8,192 written records get an exact
   * histogram.
   */
  public static final HistogramSampling DEFAULT = new HistogramSampling(4096);

  public HistogramSampling {
    if (target < 1) {
      throw new IllegalArgumentException("target must be >= 1, was " + target);
    }
  }

  /** The record's level: trailing zero bits of its content hash (64 when the hash is 0). */
  public int level(List<Message> messages) {
    long h = 17;
    for (Message m : messages) {
      h = h * 31 + m.role().hashCode();
      h = h * 31 + m.content().hashCode();
    }
    return Long.numberOfTrailingZeros(mix(h));
  }

  /** For the report. */
  public String description() {
    return "written records whose content hash (String.hashCode of roles and turns, MurmurHash3-mixed) ends in "
        + "log2(sampleEvery) zero bits, each counted exactly; sampleEvery doubles from 1 whenever the sample "
        + "passes "
        + 2 * target
        + " records, so it holds about "
        + target
        + " to "
        + 2 * target
        + " records";
  }

  private static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb93fe53ec84bL;
    h ^= h >>> 33;
    return h;
  }
}
