package dev.tuneforge.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FineTunedModelIdTest {
  @Test
  void followsOpenAisShapeWithTheJobsLastEightCharacters() {
    assertEquals(
        "ft:tiny-llama:support:faq:0c9d1e2f",
        FineTunedModelId.of("tiny-llama", "support", "faq", "ftjob-7a1b0c9d1e2f"));
    assertEquals(
        "ft:tiny-llama:support::0c9d1e2f",
        FineTunedModelId.of("tiny-llama", "support", null, "ftjob-7a1b0c9d1e2f"));
    assertTrue(FineTunedModelId.isFineTuned("ft:tiny-llama:support::0c9d1e2f"));
    assertFalse(FineTunedModelId.isFineTuned("tiny-llama"));
  }
}
