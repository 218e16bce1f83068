package dev.tuneforge.evaluator.run;

/**
 * How completions are generated (always greedy, so an evaluation is a pure function of the model
 * and its inputs).
 *
 * @param maxNewTokens cap per completion; a reference longer than this can never match exactly
 * @param batchSize prompts decoded together
 */
public record EvaluationSettings(int maxNewTokens, int batchSize) {
  public static final EvaluationSettings DEFAULTS = new EvaluationSettings(128, 8);

  public EvaluationSettings {
    if (maxNewTokens < 1) {
      throw new IllegalArgumentException("maxNewTokens must be >= 1, got " + maxNewTokens);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
  }
}
