package dev.tuneforge.llm.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Exact match ignores surrounding whitespace only (the end-to-end use is in the cli's
 * HeldOutExactMatchTest).
 */
class ExactMatchTest {

  @Test
  void surroundingWhitespaceIsIgnoredButNothingElse() {
    assertTrue(ExactMatch.matches(" nine\n", "nine"));
    assertFalse(ExactMatch.matches("Nine", "nine"), "case counts");
    assertFalse(ExactMatch.matches("nine.", "nine"), "punctuation counts");
    assertFalse(ExactMatch.matches("nine nine", "nine"));
  }

  @Test
  void rateIsCorrectOverTotal() {
    ExactMatch.Result r = new ExactMatch.Result(List.of("a", "b", "c", "d"), 3);
    assertEquals(4, r.total());
    assertEquals(0.75, r.rate(), 0.0);
    assertEquals(0.0, new ExactMatch.Result(List.of(), 0).rate(), 0.0);
  }
}
