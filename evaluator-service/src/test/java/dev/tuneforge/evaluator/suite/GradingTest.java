package dev.tuneforge.evaluator.suite;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Grading of each expectation kind: (case, output) → pass/fail + detail. */
class GradingTest {

  private static Expectation expect(String json) {
    var p =
        SuiteParser.parse(
            "{\"name\": \"g\", \"cases\": [{\"id\": \"c\", \"prompt\": \"p\", \"expect\": "
                + json
                + "}]}");
    assertTrue(p.ok(), () -> p.errors().toString());
    return p.value().cases().get(0).expect();
  }

  private static boolean passes(String expectJson, String output) {
    return expect(expectJson).grade(output).pass();
  }

  @Test
  void exactIgnoresSurroundingWhitespaceOnly() {
    assertTrue(passes("{\"type\": \"exact\", \"value\": \"nine\"}", " nine\n"));
    assertFalse(passes("{\"type\": \"exact\", \"value\": \"nine\"}", "Nine"));
  }

  @Test
  void containsAndNotContainsAreCaseSensitiveSubstrings() {
    assertTrue(passes("{\"type\": \"contains\", \"value\": \"cat\"}", "a cat sat"));
    assertFalse(passes("{\"type\": \"contains\", \"value\": \"Cat\"}", "a cat sat"));
    assertTrue(passes("{\"type\": \"not_contains\", \"value\": \"dog\"}", "a cat sat"));
    assertFalse(passes("{\"type\": \"not_contains\", \"value\": \"cat\"}", "a cat sat"));
  }

  @Test
  void stringCheckOperationsFollowOpenAi() {
    assertTrue(
        passes("{\"type\": \"string_check\", \"operation\": \"eq\", \"reference\": \"x\"}", "x"));
    assertFalse(passes("{\"type\": \"eq\", \"value\": \"x\"}", " x"), "eq is exact, no trimming");
    assertTrue(passes("{\"type\": \"ne\", \"value\": \"x\"}", "y"));
    assertTrue(passes("{\"type\": \"like\", \"value\": \"ell\"}", "hello"));
    assertFalse(passes("{\"type\": \"like\", \"value\": \"ELL\"}", "hello"));
    assertTrue(passes("{\"type\": \"ilike\", \"value\": \"ELL\"}", "hello"));
  }

  @Test
  void regexSearchesAnywhere() {
    assertTrue(passes("{\"type\": \"regex\", \"value\": \"\\\\d+\"}", "answer: 42"));
    assertFalse(passes("{\"type\": \"regex\", \"value\": \"^\\\\d+$\"}", "answer: 42"));
  }

  @Test
  void catastrophicRegexGivesUpInsteadOfHanging() {
    // java.util.regex memoises the classic (a+)+$; nested greedy dot-stars still explode
    // polynomially
    Expectation e = expect("{\"type\": \"regex\", \"value\": \"(.*,){12}x\"}");
    String hostile = ",".repeat(200);
    Grade g = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> e.grade(hostile));
    assertFalse(g.pass());
    assertTrue(g.detail().contains("gave up"), g.detail());
  }

  @Test
  void jsonChecksSyntaxAndSchema() {
    String schema =
        "{\"type\": \"json\", \"value\": {\"type\": \"object\", \"required\": [\"a\"],"
            + " \"properties\": {\"a\": {\"type\": \"integer\"}}}}";
    assertTrue(passes(schema, " {\"a\": 1}\n"));
    Grade wrongType = expect(schema).grade("{\"a\": \"one\"}");
    assertFalse(wrongType.pass());
    assertTrue(wrongType.detail().startsWith("schema:"), wrongType.detail());
    assertFalse(passes(schema, "{\"b\": 1}"));
    assertTrue(passes("{\"type\": \"json\"}", "[1, 2]"));
    assertFalse(passes("{\"type\": \"json\"}", "{\"a\": 1} trailing"));
    assertFalse(passes("{\"type\": \"json\"}", "not json"));
    assertFalse(passes("{\"type\": \"json\"}", ""));
  }

  @Test
  void maxLengthCountsCharacters() {
    assertTrue(passes("{\"type\": \"max_length\", \"value\": 3}", "abc"));
    assertTrue(passes("{\"type\": \"max_length\", \"value\": 1}", "😀"), "one code point");
    assertFalse(passes("{\"type\": \"max_length\", \"value\": 3}", "abcd"));
  }

  @Test
  void similarityThresholds() {
    // ROUGE-L of "the cat sat" vs "the cat sat down": LCS 3, P = 1, R = 3/4, F = 6/7 = 0.857
    assertTrue(
        passes(
            "{\"type\": \"rouge_l\", \"value\": \"the cat sat down\", \"threshold\": 0.85}",
            "the cat sat"));
    assertFalse(
        passes(
            "{\"type\": \"rouge_l\", \"value\": \"the cat sat down\", \"threshold\": 0.86}",
            "the cat sat"));
    assertTrue(
        passes(
            "{\"type\": \"text_similarity\", \"evaluation_metric\": \"rouge_l\", \"reference\": \"a b\","
                + " \"pass_threshold\": 1}",
            "A, b!"));
    // fuzzy: hello vs hallo: LCS 4 -> 8/10
    assertTrue(
        passes(
            "{\"type\": \"text_similarity\", \"evaluation_metric\": \"fuzzy_match\", \"reference\":"
                + " \"hello\", \"pass_threshold\": 0.8}",
            "hallo"));
    assertFalse(
        passes(
            "{\"type\": \"text_similarity\", \"evaluation_metric\": \"fuzzy_match\", \"reference\":"
                + " \"hello\", \"pass_threshold\": 0.81}",
            "hallo"));
  }
}
