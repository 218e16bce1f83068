package dev.tuneforge.evaluator.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.evaluator.Parsed;
import dev.tuneforge.platform.api.FieldError;
import java.util.List;
import org.junit.jupiter.api.Test;

class SuiteParserTest {
  static final String YAML =
      """
      name: smoke
      gate: {min_suite_pass_rate: 0.5}
      cases:
        - id: add
          prompt: "What is 2 plus 3?"
          expect: {type: exact, value: "5"}
          tags: [arithmetic]
        - id: chat
          messages:
            - {role: system, content: "Answer briefly."}
            - {role: user, content: "Name a colour."}
          expect: {type: regex, value: "^(red|blue)$"}
        - id: polite
          prompt: hi
          expect: {type: not_contains, value: "stupid"}
        - id: has
          prompt: hi
          expect: {type: contains, value: "hello"}
        - id: json
          prompt: give json
          expect: {type: json, value: {type: object, required: [a]}}
        - id: any-json
          prompt: give json
          expect: {type: json}
        - id: short
          prompt: hi
          expect: {type: max_length, value: 10}
        - id: rouge
          prompt: hi
          expect: {type: rouge_l, value: "the cat sat", threshold: 0.5}
        - id: openai-eq
          prompt: hi
          expect: {type: string_check, operation: ilike, reference: "HELLO"}
        - id: short-eq
          prompt: hi
          expect: {type: ne, value: "bye"}
        - id: sim
          prompt: hi
          expect: {type: text_similarity, evaluation_metric: fuzzy_match, reference: "hello", pass_threshold: 0.8}
      """;

  @Test
  void parsesEveryExpectationKind() {
    Parsed<Suite> p = SuiteParser.parse(YAML);
    assertTrue(p.ok(), () -> p.errors().toString());
    Suite s = p.value();
    assertEquals("smoke", s.name());
    assertEquals(11, s.cases().size());
    assertEquals(0.5, s.gate().minSuitePassRate());
    assertEquals("What is 2 plus 3?", s.cases().get(0).input());
    assertEquals(List.of("arithmetic"), s.cases().get(0).tags());
    assertEquals(2, s.cases().get(1).messages().size());
    assertInstanceOf(Expectation.Regex.class, s.cases().get(1).expect());
    assertInstanceOf(Expectation.Json.class, s.cases().get(4).expect());
    assertNull(((Expectation.Json) s.cases().get(5).expect()).schema());
    assertEquals(
        new Expectation.StringCheck(Expectation.StringOp.ILIKE, "HELLO"),
        s.cases().get(8).expect());
    assertEquals(
        new Expectation.Similarity(Expectation.SimilarityMetric.FUZZY_MATCH, "hello", 0.8),
        s.cases().get(10).expect());
    assertEquals(12, s.version().length());
    assertEquals("smoke@" + s.version(), s.ref());
  }

  @Test
  void versionIsAContentHashIndependentOfFormat() {
    Suite yaml = SuiteParser.parse(YAML).value();
    Suite fromCanonical = SuiteParser.parse(yaml.canonicalJson()).value();
    assertEquals(
        yaml.version(), fromCanonical.version(), "the same suite as JSON keeps its version");
    String reformatted =
        YAML.replace(
            "expect: {type: exact, value: \"5\"}", "expect:\n      value: '5'\n      type: exact");
    assertEquals(
        yaml.version(),
        SuiteParser.parse(reformatted).value().version(),
        "key order and style do not count");
    String changed = YAML.replace("value: \"5\"", "value: \"6\"");
    assertNotEquals(yaml.version(), SuiteParser.parse(changed).value().version());
  }

  @Test
  void badRegexNamesCaseAndField() {
    FieldError e =
        single(
            """
        {"name": "s", "cases": [{"id": "ok", "prompt": "p", "expect": {"type": "exact", "value": "x"}},
          {"id": "broken", "prompt": "p", "expect": {"type": "regex", "value": "(unclosed"}}]}
        """);
    assertEquals("cases[1].expect.value", e.param());
    assertTrue(
        e.message().contains("'broken'") && e.message().contains("invalid regex"), e.message());
  }

  @Test
  void badJsonSchemaNamesCaseAndField() {
    FieldError e =
        single(
            """
        {"name": "s", "cases": [{"id": "j", "prompt": "p",
          "expect": {"type": "json", "value": {"type": "objekt", "minimum": "zero"}}}]}
        """);
    assertEquals("cases[0].expect.value", e.param());
    assertTrue(
        e.message().contains("'j'") && e.message().contains("invalid JSON Schema"), e.message());
  }

  @Test
  void unknownExpectationKindIsNamed() {
    FieldError e =
        single(
            """
        {"name": "s", "cases": [{"id": "k", "prompt": "p", "expect": {"type": "bleu", "value": "x"}}]}
        """);
    assertEquals("cases[0].expect.type", e.param());
    assertTrue(e.message().contains("unknown expectation type 'bleu'"), e.message());
  }

  @Test
  void emptyCaseListIsRejected() {
    FieldError e = single("{\"name\": \"s\", \"cases\": []}");
    assertEquals("cases", e.param());
    assertTrue(e.message().contains("empty"));
  }

  @Test
  void duplicateCaseIdsAreRejected() {
    FieldError e =
        single(
            """
        {"name": "s", "cases": [{"id": "x", "prompt": "p", "expect": {"type": "exact", "value": "a"}},
          {"id": "x", "prompt": "q", "expect": {"type": "exact", "value": "b"}}]}
        """);
    assertEquals("cases[1].id", e.param());
    assertTrue(e.message().contains("duplicate") && e.message().contains("'x'"), e.message());
  }

  @Test
  void missingPromptIsRejected() {
    FieldError e =
        single(
            """
        {"name": "s", "cases": [{"id": "np", "expect": {"type": "exact", "value": "a"}}]}
        """);
    assertEquals("cases[0].prompt", e.param());
    assertTrue(e.message().contains("'np'") && e.message().contains("missing prompt"), e.message());
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    Parsed<Suite> p =
        SuiteParser.parse(
            """
        cases:
          - id: a
            prompt: p
            expect: {type: regex, value: "["}
          - id: b
            prompt: p
            messages: [{role: user, content: q}]
            expect: {type: exact, valeu: x}
          - prompt: p
            expect: {type: rouge_l, value: r, threshold: 1.5}
          - id: d
            prompt: p
            expect: {type: max_length, value: -1}
            tags: oops
        gate: {min_exact_match: 2, surprise: true}
        """);
    assertFalse(p.ok());
    List<String> params = p.errors().stream().map(FieldError::param).toList();
    assertTrue(
        params.containsAll(
            List.of(
                "name",
                "cases[0].expect.value",
                "cases[1].prompt",
                "cases[1].expect.valeu",
                "cases[2].id",
                "cases[2].expect.threshold",
                "cases[3].expect.value",
                "cases[3].tags",
                "gate.min_exact_match",
                "gate.surprise")),
        params.toString());
  }

  @Test
  void malformedTextNamesTheLine() {
    FieldError e = single("name: s\ncases:\n  - id: a\n    prompt: [unclosed\n");
    assertEquals("suite", e.param());
    assertTrue(e.message().contains("line"), e.message());
  }

  @Test
  void aYamlFlowMappingIsNotMistakenForJson() {
    Parsed<Suite> p =
        SuiteParser.parse(
            "{name: flow, cases: [{id: a, prompt: p, expect: {type: exact, value: x}}]}");
    assertTrue(p.ok(), () -> p.errors().toString());
    FieldError e = single("{\"name\": \"s\", \"cases\": [}");
    assertTrue(e.message().contains("line 1"), e.message());
  }

  @Test
  void messagesMustLeaveTheAssistantTurnToTheModel() {
    FieldError e =
        single(
            """
        {"name": "s", "cases": [{"id": "m", "messages": [{"role": "user", "content": "q"},
          {"role": "assistant", "content": "a"}], "expect": {"type": "exact", "value": "a"}}]}
        """);
    assertEquals("cases[0].messages", e.param());
  }

  private static FieldError single(String text) {
    Parsed<Suite> p = SuiteParser.parse(text);
    assertFalse(p.ok(), "must be rejected");
    assertEquals(1, p.errors().size(), () -> p.errors().toString());
    return p.errors().get(0);
  }
}
