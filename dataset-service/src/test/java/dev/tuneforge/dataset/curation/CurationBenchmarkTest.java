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
 * Curation throughput on 1,000,000 synthetic chat records, streamed (see {@link
 * SyntheticChatStream}). Run with: {@code mvn -B -pl dataset-service -am test -Dtests.excluded=none
 * -Dgroups=benchmark -Dsurefire.failIfNoSpecifiedTests=false}
 *
 * <p>The first two runs count tokens with {@link WhitespaceTokenCounter}, a stand-in; the third
 * with the byte-level BPE test tokenizer through HF tokenizers, as the service does, where the
 * length filter decides from token bounds when they settle it and counts the rest plus the
 * histogram's sample ({@link HistogramSampling#DEFAULT}). Heap is probed every 200k records by a
 * full GC from the reading thread, so "live heap" is what survives a collection; the probes' time
 * is excluded from the rates.
 */
@Tag("benchmark")
class CurationBenchmarkTest {

  private static final long RECORDS = 1_000_000;
  private static final long PROBE_EVERY = 200_000;

  private static final OutputStream DISCARD =
      new OutputStream() {
        @Override
        public void write(int b) {}

        @Override
        public void write(byte[] b, int off, int len) {}
      };

  @Test
  void curatesAMillionRecords() throws IOException {
    CurationOptions base =
        CurationOptions.builder()
            .exactDedup(true)
            .pii(PiiAction.REDACT)
            .minTokens(5)
            .maxTokens(4096)
            .validationRatio(0.05)
            .build();
    System.out.printf(
        Locale.ROOT,
        "dataset-service curation benchmark: %,d records, %d cores, max heap %d MiB, "
            + "token counter = whitespace stand-in%n",
        RECORDS,
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);

    Measurement fast = measure("exact dedup + PII redact + length filter + split", base);
    Measurement near =
        measure(
            "… + near-dup removal (MinHash 128, word 5-shingles, threshold 0.8)",
            base.toBuilder().nearDedup(true).build());
    // The same fast path counting with a real byte-level BPE tokenizer (HF tokenizers through DJL),
    // as the service does when `tokenizer` names a base model: bounds first, counting where needed.
    java.nio.file.Path bpe =
        java.nio.file.Path.of("../libs/llm/src/test/resources/tokenizers/bpe-chatml");
    try (var tokenizer = dev.tuneforge.llm.tokenizer.Tokenizer.load(bpe)) {
      Measurement hf =
          measure(
              "exact dedup + PII redact + length filter (HF BPE tokenizer, bounds) + split",
              base,
              new dev.tuneforge.dataset.tokens.HfTokenCounter(
                  tokenizer,
                  dev.tuneforge.dataset.tokens.ByteLevelBpeSpec.read(
                      bpe.resolve("tokenizer.json"))));
      assertEquals(RECORDS, hf.report.recordsRead());
      assertTrue(hf.report.tokenCounting().decidedByBounds() > 0);
      assertTrue(hf.report.tokenLengths().sampled());
    }

    assertTrue(fast.report.rule("exact_dedup").dropped() > 0);
    assertTrue(fast.report.rule("pii").changed() > 0);
    assertTrue(near.report.rule("near_dedup").dropped() > 0);
    assertEquals(RECORDS, fast.report.recordsRead());
  }

  private record Measurement(CurationReport report, double recordsPerSecond) {}

  private static Measurement measure(String label, CurationOptions options) throws IOException {
    return measure(label, options, new WhitespaceTokenCounter());
  }

  private static Measurement measure(
      String label, CurationOptions options, dev.tuneforge.dataset.curation.TokenCounter tokens)
      throws IOException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    long baseline = memory.getHeapMemoryUsage().getUsed();
    List<String> live = new ArrayList<>();
    long[] probeNanos = {0};
    long[] peakLive = {0};
    SyntheticChatStream input =
        new SyntheticChatStream(
            RECORDS,
            1,
            PROBE_EVERY,
            at -> {
              long t = System.nanoTime();
              System.gc();
              long used = memory.getHeapMemoryUsage().getUsed();
              peakLive[0] = Math.max(peakLive[0], used);
              live.add(String.format(Locale.ROOT, "%,dk: %d MiB", at / 1000, used >> 20));
              probeNanos[0] += System.nanoTime() - t;
            });
    long start = System.nanoTime();
    CurationResult result =
        new CurationPipeline(options, tokens)
            .run(new CurationInput("synthetic", input), DISCARD, DISCARD);
    double seconds = (System.nanoTime() - start - probeNanos[0]) / 1e9;
    CurationReport r = result.report();
    double rate = r.recordsRead() / seconds;
    System.out.printf(Locale.ROOT, "%n%s%n", label);
    System.out.printf(
        Locale.ROOT,
        "  %,.0f records/s (%.1f s for %,d records)%n",
        rate,
        seconds,
        r.recordsRead());
    System.out.printf(
        Locale.ROOT,
        "  written: train %,d, validation %,d; dropped: exact %,d, near %,d, length %,d, "
            + "pii-changed %,d%n",
        r.trainRecords(),
        r.validationRecords(),
        r.rule("exact_dedup").dropped(),
        r.rule("near_dedup").dropped(),
        r.rule("length").dropped(),
        r.rule("pii").changed());
    var counting = r.tokenCounting();
    var lengths = r.tokenLengths();
    System.out.printf(
        Locale.ROOT,
        "  length filter: decided by bounds %,d, by exact count %,d (bounds straddled a "
            + "limit: %,d); tokenized %,d records (%,d only for the histogram), not tokenized %,d%n"
            + "  bounds: %s%n",
        counting.decidedByBounds(),
        counting.decidedByCount(),
        counting.boundsUndecided(),
        counting.counted(),
        counting.countedForHistogram(),
        counting.notCounted(),
        counting.bounds());
    System.out.printf(
        Locale.ROOT,
        "  token-length histogram: %s, %,d records, mean %.1f, min %d, max %d%n",
        lengths.sampled() ? "sampled 1 in " + lengths.sampleEvery() + " by content hash" : "exact",
        lengths.records(),
        lengths.meanTokens(),
        lengths.minTokens(),
        lengths.maxTokens());
    System.out.printf(
        Locale.ROOT, "  live heap after GC (baseline %d MiB) at %s%n", baseline >> 20, live);
    System.out.printf(
        Locale.ROOT,
        "  peak live heap %d MiB; dedup state: exact %,d entries %.1f MiB, near %d bands x %d rows "
            + "%.1f MiB, %.1f bytes/record%n",
        peakLive[0] >> 20,
        r.dedupState().exactEntries(),
        r.dedupState().exactBytes() / 1048576.0,
        r.dedupState().nearBands(),
        r.dedupState().nearRows(),
        r.dedupState().nearBytes() / 1048576.0,
        r.dedupState().bytesPerRecord());
    return new Measurement(r, rate);
  }
}
