package dev.tuneforge.dataset.curation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.dataset.curation.report.CurationReport;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Curation throughput on 1,000,000 synthetic chat records, streamed (see {@link SyntheticChatStream}).
 * Run with:
 * {@code mvn -B -pl dataset-service -am test -Dtests.excluded=none -Dgroups=benchmark -Dsurefire.failIfNoSpecifiedTests=false}
 *
 * <p>Token counts come from {@link WhitespaceTokenCounter}, a stand-in: a Hugging Face tokenizer
 * will cost more per record. Heap is probed every 200k records by a full GC from the reading thread,
 * so "live heap" is what survives a collection; the probes' time is excluded from the rates.
 */
@Tag("benchmark")
class CurationBenchmarkTest {

    private static final long RECORDS = 1_000_000;
    private static final long PROBE_EVERY = 200_000;

    private static final OutputStream DISCARD = new OutputStream() {
        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    };

    @Test
    void curatesAMillionRecords() throws IOException {
        CurationOptions base = CurationOptions.builder()
                .exactDedup(true).pii(PiiAction.REDACT).minTokens(5).maxTokens(4096).validationRatio(0.05).build();
        System.out.printf(Locale.ROOT, "dataset-service curation benchmark: %,d records, %d cores, max heap %d MiB, "
                        + "token counter = whitespace stand-in%n",
                RECORDS, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);

        Measurement fast = measure("exact dedup + PII redact + length filter + split", base);
        Measurement near = measure("… + near-dup removal (MinHash 128, word 5-shingles, threshold 0.8)",
                base.toBuilder().nearDedup(true).build());

        assertTrue(fast.report.rule("exact_dedup").dropped() > 0);
        assertTrue(fast.report.rule("pii").changed() > 0);
        assertTrue(near.report.rule("near_dedup").dropped() > 0);
        assertEquals(RECORDS, fast.report.recordsRead());
    }

    private record Measurement(CurationReport report, double recordsPerSecond) {
    }

    private static Measurement measure(String label, CurationOptions options) throws IOException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long baseline = memory.getHeapMemoryUsage().getUsed();
        List<String> live = new ArrayList<>();
        long[] probeNanos = {0};
        long[] peakLive = {0};
        SyntheticChatStream input = new SyntheticChatStream(RECORDS, 1, PROBE_EVERY, at -> {
            long t = System.nanoTime();
            System.gc();
            long used = memory.getHeapMemoryUsage().getUsed();
            peakLive[0] = Math.max(peakLive[0], used);
            live.add(String.format(Locale.ROOT, "%,dk: %d MiB", at / 1000, used >> 20));
            probeNanos[0] += System.nanoTime() - t;
        });
        long start = System.nanoTime();
        CurationResult result = new CurationPipeline(options, new WhitespaceTokenCounter())
                .run(new CurationInput("synthetic", input), DISCARD, DISCARD);
        double seconds = (System.nanoTime() - start - probeNanos[0]) / 1e9;
        CurationReport r = result.report();
        double rate = r.recordsRead() / seconds;
        System.out.printf(Locale.ROOT, "%n%s%n", label);
        System.out.printf(Locale.ROOT, "  %,.0f records/s (%.1f s for %,d records)%n", rate, seconds, r.recordsRead());
        System.out.printf(Locale.ROOT, "  written: train %,d, validation %,d; dropped: exact %,d, near %,d, length %,d, "
                        + "pii-changed %,d%n",
                r.trainRecords(), r.validationRecords(), r.rule("exact_dedup").dropped(), r.rule("near_dedup").dropped(),
                r.rule("length").dropped(), r.rule("pii").changed());
        System.out.printf(Locale.ROOT, "  live heap after GC (baseline %d MiB) at %s%n", baseline >> 20, live);
        System.out.printf(Locale.ROOT, "  peak live heap %d MiB; dedup state: exact %,d entries %.1f MiB, near %d bands x %d rows "
                        + "%.1f MiB, %.1f bytes/record%n",
                peakLive[0] >> 20, r.dedupState().exactEntries(), r.dedupState().exactBytes() / 1048576.0,
                r.dedupState().nearBands(), r.dedupState().nearRows(), r.dedupState().nearBytes() / 1048576.0,
                r.dedupState().bytesPerRecord());
        return new Measurement(r, rate);
    }
}
