package dev.tuneforge.evaluator.auto;

import dev.tuneforge.evaluator.run.ModelEvaluation;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Base-model evaluations kept by what determines them (base revision's manifest, validation split,
 * suite version, settings): many adapters of one base on one task then pay for the base once.
 * Evaluation is deterministic, so a cached figure equals a recomputed one. Bounded (LRU).
 */
@ApplicationScoped
public class BaseEvaluations {
  private static final int MAX = 32;

  private final Map<String, ModelEvaluation> cache =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ModelEvaluation> eldest) {
          return size() > MAX;
        }
      };

  /** The cached evaluation under {@code key}, computed (outside the lock) when absent. */
  public ModelEvaluation get(String key, Supplier<ModelEvaluation> compute) {
    synchronized (cache) {
      ModelEvaluation hit = cache.get(key);
      if (hit != null) {
        return hit;
      }
    }
    ModelEvaluation value = compute.get();
    synchronized (cache) {
      cache.put(key, value);
    }
    return value;
  }
}
