package dev.tuneforge.dataset.curation;

import dev.tuneforge.dataset.record.Message;
import java.util.List;

/**
 * Which records are counted for the report's token-length histogram when bounds let the length
 * filter skip counting (see {@link TokenBounds}). The sample is chosen by content, not position, so
 * it does not follow the order or the periodicity of the input, and the same record is in or out
 * on every run: a record is in when a hash of its turns' roles and text ({@link String#hashCode},
 * which Java specifies, mixed by MurmurHash3's finaliser) is 0 modulo {@code every}. The first
 * {@code exactUpTo} records are all counted too, so a dataset that small gets an exact histogram.
 *
 * @param every     one record in this many is in the sample (1 = all)
 * @param exactUpTo records, from the start of the run, that are all counted
 */
public record HistogramSampling(int every, long exactUpTo) {

    /**
     * 1 in 16: for a million records about 60,000 are counted, a few seconds of tokenizing, and each
     * power-of-two bucket holding 1% of the records still has ~600 samples (±4% relative error).
     * Up to 10,000 records the whole run is counted: about two seconds with a byte-level BPE.
     */
    public static final HistogramSampling DEFAULT = new HistogramSampling(16, 10_000);

    public HistogramSampling {
        if (every < 1 || exactUpTo < 0) {
            throw new IllegalArgumentException("every must be >= 1 and exactUpTo >= 0, were " + every + ", " + exactUpTo);
        }
    }

    /** True when the record with these turns is in the sample. */
    public boolean inSample(List<Message> messages) {
        long h = 17;
        for (Message m : messages) {
            h = h * 31 + m.role().hashCode();
            h = h * 31 + m.content().hashCode();
        }
        return Long.remainderUnsigned(mix(h), every) == 0;
    }

    /** The record with this 1-based position in the run is counted whatever its content. */
    public boolean inExactPrefix(long position) {
        return position <= exactUpTo;
    }

    /** For the report. */
    public String description() {
        return "written records whose content hash (String.hashCode of roles and turns, MurmurHash3-mixed) is 0 mod "
                + every + ", all counted exactly; the first " + exactUpTo + " records of a run are all counted, "
                + "so runs that short get an exact histogram";
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
