package dev.tuneforge.evaluator.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * ROUGE-L as Google's {@code rouge-score} package computes it without stemming: both texts are
 * lower-cased, every run of characters other than {@code a-z0-9} becomes a space (so punctuation
 * and non-ASCII letters separate tokens and are dropped), and the tokens are split on whitespace.
 * With {@code L} the length of their longest common subsequence, precision = L / |prediction|,
 * recall = L / |reference| and the score is their harmonic mean; 0 when either side has no tokens.
 */
public final class RougeL {
  private static final Pattern NON_ALNUM = Pattern.compile("[^a-z0-9]+");

  /** Precision, recall and F-measure, each in 0..1. */
  public record Score(double precision, double recall, double fmeasure) {}

  private RougeL() {}

  /** rouge-score's default tokenizer (no stemming). */
  public static List<String> tokenize(String text) {
    String cleaned = NON_ALNUM.matcher(text.toLowerCase(Locale.ROOT)).replaceAll(" ").strip();
    List<String> tokens = new ArrayList<>();
    if (!cleaned.isEmpty()) {
      for (String t : cleaned.split("\\s+")) {
        tokens.add(t);
      }
    }
    return tokens;
  }

  public static Score score(String prediction, String reference) {
    List<String> pred = tokenize(prediction);
    List<String> ref = tokenize(reference);
    if (pred.isEmpty() || ref.isEmpty()) {
      return new Score(0, 0, 0);
    }
    int lcs = Lcs.length(ref, pred);
    double precision = (double) lcs / pred.size();
    double recall = (double) lcs / ref.size();
    double f = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
    return new Score(precision, recall, f);
  }

  /** The F-measure, the figure reported as {@code rouge_l}. */
  public static double fmeasure(String prediction, String reference) {
    return score(prediction, reference).fmeasure();
  }
}
