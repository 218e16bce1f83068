package dev.tuneforge.evaluator.metrics;

/**
 * The {@code fuzzy_match} similarity of OpenAI's text_similarity grader. OpenAI does not publish
 * its algorithm; TuneForge uses the normalised Indel similarity that rapidfuzz's {@code fuzz.ratio}
 * returns (divided by 100): {@code 2·LCS(a, b) / (|a| + |b|)} over code points, no preprocessing, 1
 * for two empty strings.
 */
public final class FuzzyMatch {
  private FuzzyMatch() {}

  public static double score(String a, String b) {
    int total = a.codePointCount(0, a.length()) + b.codePointCount(0, b.length());
    return total == 0 ? 1 : 2.0 * Lcs.length(a, b) / total;
  }
}
