package dev.tuneforge.dataset.curation.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Token lengths of the records written, in power-of-two buckets ([0,1), [1,2), [2,4), [4,8), ...):
 * a fixed, unit-free layout that stays readable from 10-token to 100k-token records. Mutable while
 * curating; {@link #snapshot()} gives the immutable report form.
 */
public final class TokenHistogram {

    private final long[] counts = new long[33];
    private long total;
    private long sum;
    private long min = Long.MAX_VALUE;
    private long max;

    /** One bucket: records with {@code from <= tokens < to}. */
    public record Bucket(long from, long to, long count) {
    }

    /** Immutable report form; empty buckets above the largest record are left out. */
    public record Snapshot(long records, long minTokens, long maxTokens, double meanTokens, List<Bucket> buckets) {
    }

    public void add(int tokens) {
        int bucket = tokens <= 0 ? 0 : 32 - Integer.numberOfLeadingZeros(tokens);
        counts[bucket]++;
        total++;
        sum += tokens;
        min = Math.min(min, tokens);
        max = Math.max(max, tokens);
    }

    public Snapshot snapshot() {
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
        return new Snapshot(total, total == 0 ? 0 : min, max, total == 0 ? 0 : (double) sum / total, buckets);
    }
}
