package dev.tuneforge.dataset.curation.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenLengthsTest {

  /** A written record as the pipeline reports it: tokens (always counted here) and level. */
  private record Written(int tokens, int level) {}

  private static List<Written> records(int n, long seed) {
    Random r = new Random(seed);
    List<Written> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new Written(r.nextInt(1, 5000), Long.numberOfTrailingZeros(r.nextLong())));
    }
    return out;
  }

  /** Feeds records as the pipeline does: uncounted unless the sample wants them at that moment. */
  private static TokenLengths feed(List<Written> records, int target) {
    TokenLengths lengths = new TokenLengths(target, "test");
    for (Written w : records) {
      lengths.written(lengths.wanted(w.level()) ? w.tokens() : -1, w.level());
    }
    return lengths;
  }

  @Test
  void theThinnedSampleDoesNotDependOnTheOrderOfTheInput() {
    List<Written> records = records(50_000, 1);
    TokenHistogram.Snapshot forward = feed(records, 256).snapshot();
    List<Written> shuffled = new ArrayList<>(records);
    Collections.shuffle(shuffled, new Random(2));
    assertEquals(forward, feed(shuffled, 256).snapshot());
    assertTrue(forward.sampled());
    assertTrue(
        forward.records() > 128 && forward.records() <= 512,
        "about target to twice: " + forward.records());
    // Exactly the records whose level reaches log2(sampleEvery).
    int minLevel = Long.numberOfTrailingZeros(forward.sampleEvery());
    assertEquals(records.stream().filter(w -> w.level() >= minLevel).count(), forward.records());
  }

  @Test
  void everyRecordCountedGivesTheExactHistogramEvenAfterThinning() {
    TokenLengths lengths = new TokenLengths(16, "test");
    for (Written w : records(1000, 3)) {
      lengths.written(w.tokens(), w.level());
    }
    assertTrue(lengths.minLevel() > 0, "the sample thinned");
    TokenHistogram.Snapshot snapshot = lengths.snapshot();
    assertFalse(snapshot.sampled());
    assertEquals(1000, snapshot.records());
  }

  @Test
  void anUncountedRecordTheSampleWantsIsABug() {
    TokenLengths lengths = new TokenLengths(16, "test");
    assertThrows(IllegalStateException.class, () -> lengths.written(-1, 0));
  }
}
