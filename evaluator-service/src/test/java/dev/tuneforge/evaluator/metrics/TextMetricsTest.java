package dev.tuneforge.evaluator.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Text metrics against hand-computed values and an independent reference (src/test/python). */
class TextMetricsTest {
  private static final double EPS = 1e-12;

  @Test
  void tokenF1CountsSharedTokensAfterSquadNormalisation() {
    // "cat sat on mat" vs "cat is on mat": 3 shared of 4 and 4 -> P = R = 3/4
    assertEquals(0.75, TokenF1.score("the cat sat on the mat", "the cat is on the mat"), EPS);
    assertEquals(
        1.0, TokenF1.score("Paris!", "paris"), EPS, "case and punctuation are normalised away");
    // a bag of tokens: the one reference "cat" matches once -> P = 1/3, R = 1, F1 = 0.5
    assertEquals(0.5, TokenF1.score("cat cat cat", "cat"), EPS);
    assertEquals(0.0, TokenF1.score("dog", "cat"), EPS);
    // SQuAD 2.0: both empty after normalisation -> 1, one empty -> 0
    assertEquals(1.0, TokenF1.score("The", "a"), EPS);
    assertEquals(0.0, TokenF1.score("", "cat"), EPS);
    assertEquals("cat sat", TokenF1.normalize("  The CAT, sat!  "));
  }

  @Test
  void rougeLIsTheLcsFMeasureOverRougeScoreTokens() {
    // LCS(the cat sat on the mat, the cat is on the mat) = the cat on the mat = 5 of 6 and 6
    RougeL.Score s = RougeL.score("the cat sat on the mat", "the cat is on the mat");
    assertEquals(5.0 / 6, s.precision(), EPS);
    assertEquals(5.0 / 6, s.recall(), EPS);
    assertEquals(5.0 / 6, s.fmeasure(), EPS);
    // prediction a b c d, reference a c: LCS 2 -> P = 1/2, R = 1, F = 2/3
    RougeL.Score asym = RougeL.score("a b c d", "a c");
    assertEquals(0.5, asym.precision(), EPS);
    assertEquals(1.0, asym.recall(), EPS);
    assertEquals(2.0 / 3, asym.fmeasure(), EPS);
    // order matters (subsequence, not bag): LCS(c b a, a b c) = 1
    assertEquals(1.0 / 3, RougeL.fmeasure("c b a", "a b c"), EPS);
    assertEquals(0.0, RougeL.fmeasure("", "a"), EPS);
    assertEquals(0.0, RougeL.fmeasure("!!!", "..."), EPS, "no tokens on either side scores 0");
  }

  @Test
  void rougeTokenizerKeepsLowercaseAsciiAlphanumericRuns() {
    assertEquals(
        List.of("don", "t", "e", "mail", "me", "7", "5"), RougeL.tokenize("Don't e-mail ME!! 7.5"));
    // rouge-score drops non-ASCII letters: they split the word
    assertEquals(List.of("z", "rich"), RougeL.tokenize("Zürich"));
  }

  @Test
  void fuzzyMatchIsIndelSimilarity() {
    // LCS(abc, abd) = 2 -> 2*2 / (3+3)
    assertEquals(4.0 / 6, FuzzyMatch.score("abc", "abd"), EPS);
    assertEquals(1.0, FuzzyMatch.score("", ""), EPS);
    assertEquals(0.0, FuzzyMatch.score("abc", ""), EPS);
    assertEquals(1.0, FuzzyMatch.score("same", "same"), EPS);
  }

  @Test
  void matchesTheIndependentReferenceOnEveryFixturePair() throws IOException {
    JsonNode cases;
    try (InputStream in = getClass().getResourceAsStream("/fixtures/text-metrics.json")) {
      cases = new ObjectMapper().readTree(in).get("cases");
    }
    assertTrue(cases.size() >= 60);
    for (JsonNode c : cases) {
      String p = c.get("prediction").asText();
      String r = c.get("reference").asText();
      String at = "prediction '" + p + "', reference '" + r + "'";
      RougeL.Score s = RougeL.score(p, r);
      assertEquals(c.at("/rouge_l/precision").asDouble(), s.precision(), EPS, at);
      assertEquals(c.at("/rouge_l/recall").asDouble(), s.recall(), EPS, at);
      assertEquals(c.at("/rouge_l/fmeasure").asDouble(), s.fmeasure(), EPS, at);
      assertEquals(c.get("token_f1").asDouble(), TokenF1.score(p, r), EPS, at);
      assertEquals(c.get("fuzzy_match").asDouble(), FuzzyMatch.score(p, r), EPS, at);
    }
  }
}
