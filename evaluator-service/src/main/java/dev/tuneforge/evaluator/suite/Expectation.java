package dev.tuneforge.evaluator.suite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import dev.tuneforge.evaluator.metrics.FuzzyMatch;
import dev.tuneforge.evaluator.metrics.RougeL;
import dev.tuneforge.llm.eval.ExactMatch;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a regression-suite case expects of the model's output. Each kind grades an output on its
 * own; parsing ({@link SuiteParser}) has already rejected bad patterns, schemas and thresholds.
 */
public sealed interface Expectation {

  Grade grade(String output);

  /** The expectation as the per-case table shows it. */
  String describe();

  /** {@code exact}: equal after trimming surrounding whitespace (as the exact_match metric). */
  record Exact(String value) implements Expectation {
    public Grade grade(String output) {
      boolean equal = ExactMatch.matches(output, value);
      return Grade.of(equal, equal ? "equal" : "differs");
    }

    public String describe() {
      return "exact: " + value;
    }
  }

  /** {@code contains} / {@code not_contains}: case-sensitive substring. */
  record Contains(String value, boolean negated) implements Expectation {
    public Grade grade(String output) {
      boolean found = output.contains(value);
      return Grade.of(found != negated, found ? "contains it" : "does not contain it");
    }

    public String describe() {
      return (negated ? "not_contains: " : "contains: ") + value;
    }
  }

  /**
   * OpenAI string_check operations, with their meaning there: eq/ne exact, like/ilike substring.
   */
  enum StringOp {
    EQ,
    NE,
    LIKE,
    ILIKE
  }

  /** {@code string_check} (or {@code eq}, {@code ne}, {@code like}, {@code ilike}). */
  record StringCheck(StringOp operation, String reference) implements Expectation {
    public Grade grade(String output) {
      boolean pass =
          switch (operation) {
            case EQ -> output.equals(reference);
            case NE -> !output.equals(reference);
            case LIKE -> output.contains(reference);
            case ILIKE ->
                output.toLowerCase(Locale.ROOT).contains(reference.toLowerCase(Locale.ROOT));
          };
      return Grade.of(
          pass, operation.name().toLowerCase(Locale.ROOT) + (pass ? " holds" : " fails"));
    }

    public String describe() {
      return "string_check " + operation.name().toLowerCase(Locale.ROOT) + ": " + reference;
    }
  }

  /** {@code regex}: Java syntax, found anywhere in the output (Python's {@code re.search}). */
  record Regex(Pattern pattern) implements Expectation {
    /** Matching stops after this long: a pathological pattern must not hang an evaluation. */
    static final long BUDGET_NANOS = 2_000_000_000L;

    public Grade grade(String output) {
      try {
        boolean found =
            pattern
                .matcher(new DeadlineCharSequence(output, System.nanoTime() + BUDGET_NANOS))
                .find();
        return Grade.of(found, found ? "matches" : "no match");
      } catch (DeadlineCharSequence.Expired e) {
        return Grade.of(false, "regex gave up after " + BUDGET_NANOS / 1_000_000 + " ms");
      }
    }

    public String describe() {
      return "regex: " + pattern.pattern();
    }
  }

  /** {@code json}: the stripped output is one JSON value, valid against the schema when given. */
  record Json(JsonNode schemaNode, Schema schema) implements Expectation {
    private static final ObjectMapper STRICT =
        new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    public Grade grade(String output) {
      JsonNode value;
      try {
        value = STRICT.readTree(output.strip());
      } catch (JsonProcessingException e) {
        return Grade.of(false, "not JSON: " + e.getOriginalMessage());
      }
      if (value == null || value.isMissingNode()) {
        return Grade.of(false, "not JSON: empty output");
      }
      if (schema == null) {
        return Grade.of(true, "valid JSON");
      }
      List<com.networknt.schema.Error> errors = schema.validate(value);
      return errors.isEmpty()
          ? Grade.of(true, "valid against the schema")
          : Grade.of(
              false,
              "schema: "
                  + errors.get(0).toString()
                  + (errors.size() > 1 ? " (+" + (errors.size() - 1) + " more)" : ""));
    }

    public String describe() {
      return schemaNode == null ? "json" : "json matching " + schemaNode;
    }
  }

  /** {@code max_length}: at most this many characters (code points) in the output as generated. */
  record MaxLength(int max) implements Expectation {
    public Grade grade(String output) {
      int n = output.codePointCount(0, output.length());
      return Grade.of(n <= max, n + " characters");
    }

    public String describe() {
      return "max_length: " + max;
    }
  }

  /**
   * Similarity to a reference at or above a threshold ({@code rouge_l}, {@code text_similarity}).
   */
  enum SimilarityMetric {
    ROUGE_L,
    FUZZY_MATCH
  }

  record Similarity(SimilarityMetric metric, String reference, double threshold)
      implements Expectation {
    public Grade grade(String output) {
      double score =
          switch (metric) {
            case ROUGE_L -> RougeL.fmeasure(output, reference);
            case FUZZY_MATCH -> FuzzyMatch.score(output, reference);
          };
      return Grade.of(
          score >= threshold,
          String.format(
              Locale.ROOT,
              "%s %.4f (needs >= %s)",
              metric.name().toLowerCase(Locale.ROOT),
              score,
              threshold));
    }

    public String describe() {
      return metric.name().toLowerCase(Locale.ROOT) + " >= " + threshold + ": " + reference;
    }
  }
}
