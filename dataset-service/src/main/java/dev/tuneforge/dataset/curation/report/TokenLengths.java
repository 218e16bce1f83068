package dev.tuneforge.dataset.curation.report;

/**
 * The report's token-length histogram, exact when it can be and sampled when it must be. When the
 * length filter decides records from bounds, their tokens are never counted, so an exact histogram
 * of all written records does not exist; then the report shows the histogram of a deterministic
 * sample that is always counted (the pipeline picks it by content hash) and says so. When every
 * written record was counted anyway, the exact histogram is shown. Thread-safe: counts may arrive
 * from a background counter.
 */
public final class TokenLengths {

    private final TokenHistogram all = new TokenHistogram();
    private final TokenHistogram sample = new TokenHistogram();
    private final int sampleEvery;
    private final String sampling;
    private long uncounted;

    /**
     * @param sampleEvery about one record in this many is in the sample
     * @param sampling    how the sample is chosen, in words, for the report
     */
    public TokenLengths(int sampleEvery, String sampling) {
        this.sampleEvery = sampleEvery;
        this.sampling = sampling;
    }

    /**
     * One written record.
     *
     * @param tokens   its count, or -1 when it was not counted
     * @param inSample whether it belongs to the sample (then it must have been counted)
     */
    public synchronized void written(int tokens, boolean inSample) {
        if (tokens < 0) {
            if (inSample) {
                throw new IllegalStateException("a sampled record must be counted: the histogram would be biased");
            }
            uncounted++;
            return;
        }
        all.add(tokens);
        if (inSample) {
            sample.add(tokens);
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
        return sample.snapshot(true, sampleEvery, sampling);
    }
}
