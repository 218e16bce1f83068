package dev.tuneforge.llm.train;

/** Test access to {@link CrossEntropy}'s reference path (memory measurements). */
public final class LossPaths {
  private LossPaths() {}

  /** true: training computes logits and log-softmax at every position, as before. */
  public static void allPositions(boolean all) {
    CrossEntropy.allPositionsForTest = all;
  }
}
