package dev.tuneforge.dataset.curation.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LongHashSetTest {

  @Test
  void behavesLikeASetAcrossResizes() {
    LongHashSet set = new LongHashSet(16);
    Set<Long> reference = new HashSet<>();
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < 200_000; i++) {
      long key = random.nextInt(100_000) * 0x9E3779B97F4A7C15L; // many repeats
      assertEquals(reference.add(key), set.add(key));
    }
    assertEquals(reference.size(), set.size());
    for (long key : reference) {
      assertTrue(set.contains(key));
    }
    assertFalse(set.contains(12345L));
  }

  @Test
  void zeroIsAnOrdinaryKey() {
    LongHashSet set = new LongHashSet();
    assertFalse(set.contains(0));
    assertTrue(set.add(0));
    assertFalse(set.add(0));
    assertTrue(set.contains(0));
    assertEquals(1, set.size());
  }

  @Test
  void usesAtMostTwentyThreeBytesPerEntry() {
    LongHashSet set = new LongHashSet(16);
    for (long i = 1; i <= 1_000_000; i++) {
      set.add(i * 0xBF58476D1CE4E5B9L);
    }
    double perEntry = (double) set.memoryBytes() / set.size();
    assertTrue(perEntry <= 8 / 0.35, "bytes per entry " + perEntry);
  }
}
