package dev.tuneforge.llm.train.optim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW's complete state on the Java heap, for checkpoints: the number of steps taken and, per
 * parameter name, the first and second moments (PyTorch's {@code exp_avg} / {@code exp_avg_sq}) as
 * float32 in row-major order. Restoring it and replaying the same gradients reproduces the same
 * updates bit for bit.
 */
public record AdamWState(long step, Map<String, float[]> expAvg, Map<String, float[]> expAvgSq) {

  public AdamWState {
    if (step < 0) {
      throw new IllegalArgumentException("optimizer step must be >= 0, got " + step);
    }
    if (!expAvg.keySet().equals(expAvgSq.keySet())) {
      throw new IllegalArgumentException(
          "first and second moments name different parameters: "
              + expAvg.keySet()
              + " vs "
              + expAvgSq.keySet());
    }
    expAvg = Collections.unmodifiableMap(new LinkedHashMap<>(expAvg));
    expAvgSq = Collections.unmodifiableMap(new LinkedHashMap<>(expAvgSq));
  }
}
