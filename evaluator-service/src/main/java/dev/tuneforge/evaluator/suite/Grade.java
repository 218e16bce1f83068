package dev.tuneforge.evaluator.suite;

/** The verdict on one output: pass or fail, and why in a few words (the score, the mismatch). */
public record Grade(boolean pass, String detail) {
  static Grade of(boolean pass, String detail) {
    return new Grade(pass, detail);
  }
}
