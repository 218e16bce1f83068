package dev.tuneforge.evaluator.metrics;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Token-overlap F1 as the SQuAD evaluation script computes it: both texts are normalised (lower
 * case, ASCII punctuation removed, the articles a/an/the removed, whitespace collapsed), split on
 * whitespace, and compared as bags of tokens. When either side has no tokens, F1 is 1 if both are
 * empty and 0 otherwise (SQuAD 2.0's rule).
 */
public final class TokenF1 {
  private static final Pattern PUNCTUATION =
      Pattern.compile("[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~]");
  private static final Pattern ARTICLES = Pattern.compile("\\b(a|an|the)\\b");

  private TokenF1() {}

  /** SQuAD's {@code normalize_answer}. */
  public static String normalize(String s) {
    String lower = s.toLowerCase(Locale.ROOT);
    String noPunct = PUNCTUATION.matcher(lower).replaceAll("");
    String noArticles = ARTICLES.matcher(noPunct).replaceAll(" ");
    return String.join(" ", tokens(noArticles));
  }

  public static double score(String prediction, String reference) {
    List<String> pred = tokens(normalize(prediction));
    List<String> ref = tokens(normalize(reference));
    if (pred.isEmpty() || ref.isEmpty()) {
      return pred.equals(ref) ? 1 : 0;
    }
    Map<String, Integer> refCounts = new HashMap<>();
    ref.forEach(t -> refCounts.merge(t, 1, Integer::sum));
    int same = 0;
    for (String t : pred) {
      Integer left = refCounts.get(t);
      if (left != null && left > 0) {
        same++;
        refCounts.put(t, left - 1);
      }
    }
    if (same == 0) {
      return 0;
    }
    double precision = (double) same / pred.size();
    double recall = (double) same / ref.size();
    return 2 * precision * recall / (precision + recall);
  }

  private static List<String> tokens(String s) {
    String t = s.strip();
    return t.isEmpty() ? List.of() : Arrays.asList(t.split("\\s+"));
  }
}
