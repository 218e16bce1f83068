package dev.tuneforge.llm.io;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TensorMismatchTest {

  @Test
  void nothingRecordedThrowsNothing() {
    assertDoesNotThrow(() -> new TensorMismatch().throwIfAny("x"));
  }

  @Test
  void eachKindIsOneLineWithItsFirstNamesAndCount() {
    TensorMismatch m = new TensorMismatch();
    for (int i = 0; i < 12; i++) {
      m.unexpected("t" + i);
    }
    m.wrongShape("w", new long[] {2, 3}, new long[] {3, 2});
    m.missing("a").missing("b");
    m.add("rank differs from r = 8", "lora_A [4, 16]");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> m.throwIfAny("header:"));
    assertEquals(
        """
        header:
          missing tensors: a, b
          wrong shapes: w (expected [2, 3], found [3, 2])
          unexpected tensors: t0, t1, t2, t3, t4 and 7 more (12 in all)
          rank differs from r = 8: lora_A [4, 16]""",
        e.getMessage());
    assertEquals(12, m.count(TensorMismatch.UNEXPECTED));
  }

  @Test
  void hugeNamesAreCut() {
    String s = TensorMismatch.summary(java.util.List.of("n".repeat(100_000)));
    assertEquals(201, s.length());
  }
}
