package dev.tuneforge.evaluator.auto;

import dev.tuneforge.evaluator.run.CompletionProgress;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Logs where one model's evaluation is: the first batch (so an operator sees decoding started),
 * then at most every {@link #EVERY}, and the last batch of each part, so thousands of prompts give
 * a handful of lines, not one per batch.
 */
final class ProgressLog implements CompletionProgress {
  private static final Logger LOG = Logger.getLogger(ProgressLog.class);
  static final Duration EVERY = Duration.ofSeconds(10);

  private final String evaluationId;
  private final String model;
  private final long startNanos = System.nanoTime();
  private long lastNanos;
  private boolean any;

  /**
   * @param model which model is evaluated: {@code base} or {@code tuned}
   */
  ProgressLog(String evaluationId, String model) {
    this.evaluationId = evaluationId;
    this.model = model;
  }

  @Override
  public void completed(String part, int done, int total) {
    long now = System.nanoTime();
    if (any && done < total && now - lastNanos < EVERY.toNanos()) {
      return;
    }
    any = true;
    lastNanos = now;
    LOG.infof(
        "evaluation %s: %s model, %s completions %d/%d (%.1f s)",
        evaluationId, model, part, done, total, (now - startNanos) / 1e9);
  }
}
