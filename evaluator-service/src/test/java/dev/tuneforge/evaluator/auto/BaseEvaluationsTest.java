package dev.tuneforge.evaluator.auto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.tuneforge.evaluator.run.ModelEvaluation;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The base model is evaluated once per key (base revision's manifest, split, suite version,
 * settings): a second adapter of the same base on the same suite reuses it, a new suite version or
 * base revision does not, and the cache stays bounded.
 */
class BaseEvaluationsTest {
  final AtomicInteger computed = new AtomicInteger();

  Supplier<ModelEvaluation> evaluation() {
    return () -> {
      computed.incrementAndGet();
      return new ModelEvaluation(null, List.of(), List.of());
    };
  }

  @Test
  void theBaseIsEvaluatedOncePerRevisionSplitAndSuiteVersion() {
    BaseEvaluations cache = new BaseEvaluations();
    ModelEvaluation first = cache.get("sha-a|split|doubles@v1|s", evaluation());
    assertSame(first, cache.get("sha-a|split|doubles@v1|s", evaluation()));
    assertEquals(1, computed.get());

    assertNotSame(first, cache.get("sha-a|split|doubles@v2|s", evaluation()), "new suite version");
    assertNotSame(first, cache.get("sha-b|split|doubles@v1|s", evaluation()), "new base revision");
    assertEquals(3, computed.get());
  }

  @Test
  void theLeastRecentlyUsedEntryLeavesFirst() {
    BaseEvaluations cache = new BaseEvaluations();
    cache.get("kept", evaluation());
    for (int i = 0; i < 40; i++) {
      cache.get("key-" + i, evaluation());
      cache.get("kept", evaluation()); // used throughout: never the eldest
    }
    assertEquals(41, computed.get());
    cache.get("kept", evaluation());
    assertEquals(41, computed.get(), "the entry in use stayed");
    cache.get("key-0", evaluation());
    assertEquals(42, computed.get(), "the oldest unused entry was dropped");
  }
}
