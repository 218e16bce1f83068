package dev.tuneforge.dataset.curation.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Token lengths of records, in power-of-two buckets ([0,1), [1,2), [2,4), [4,8), ...): a fixed,
 * unit-free layout that stays readable from 10-token to 100k-token records. Mutable while curating;
 * {@link #snapshot} gives the immutable report form. Which records go in is {@link TokenLengths}'
 * business.
 */
public final class TokenHistogram {

  private final long[] counts = new long[33];
  private long total;
  private long sum;
  private long min = Long.MAX_VALUE;
  private long max;

  /** One bucket: records with {@code from <= tokens < to}. */
  public record Bucket(long from, long to, long count) {}

  /**
   * Immutable report form; empty buckets above the largest record are left out.
   *
   * @param sampled false when every written record is in it; true when only a sample is
   * @param sampleEvery 1 when not sampled; else one written record in about this many is in it
   * @param sampling which records are in it, in words
   * @param records records in the histogram (the sample size when sampled)
   */
  public record Snapshot(
      boolean sampled,
      long sampleEvery,
      String sampling,
      long records,
      long minTokens,
      long maxTokens,
      double meanTokens,
      List<Bucket> buckets) {}

  public void add(int tokens) {
    int bucket = tokens <= 0 ? 0 : 32 - Integer.numberOfLeadingZeros(tokens);
    counts[bucket]++;
    total++;
    sum += tokens;
    min = Math.min(min, tokens);
    max = Math.max(max, tokens);
  }

  /** Records added so far. */
  public long records() {
    return total;
  }

  /** Adds every record of {@code other}, as if each had been added here. */
  public void addAll(TokenHistogram other) {
    for (int i = 0; i < counts.length; i++) {
      counts[i] += other.counts[i];
    }
    total += other.total;
    sum += other.sum;
    if (other.total > 0) {
      min = Math.min(min, other.min);
      max = Math.max(max, other.max);
    }
  }

  public Snapshot snapshot(boolean sampled, long sampleEvery, String sampling) {
    List<Bucket> buckets = new ArrayList<>();
    int last = -1;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] > 0) {
        last = i;
      }
    }
    for (int i = 0; i <= last; i++) {
      long from = i == 0 ? 0 : 1L << (i - 1);
      long to = 1L << i;
      buckets.add(new Bucket(from, to, counts[i]));
    }
    return new Snapshot(
        sampled,
        sampleEvery,
        sampling,
        total,
        total == 0 ? 0 : min,
        max,
        total == 0 ? 0 : (double) sum / total,
        buckets);
  }
}
