package dev.tuneforge.evaluator.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The report as JSON, snake_case like the rest of the API: {@code metrics}, {@code base_metrics},
 * {@code deltas} (objects keyed by metric name), {@code passed}, {@code reasons} (condition,
 * case_id, message), {@code gate}, {@code cases} and {@code samples} (base and tuned side by side).
 * Absent values are left out rather than written as null.
 */
public final class ReportJson {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  private ReportJson() {}

  public static String write(EvaluationReport report) {
    try {
      return MAPPER.writeValueAsString(report);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a report always serialises", e);
    }
  }

  /** The per-case table alone, one JSON object per line (base and tuned side by side). */
  public static String caseTableJsonl(EvaluationReport report) {
    StringBuilder sb = new StringBuilder();
    ObjectMapper compact = MAPPER.copy().disable(SerializationFeature.INDENT_OUTPUT);
    try {
      for (CaseRow row : report.cases()) {
        sb.append(compact.writeValueAsString(row)).append('\n');
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a case row always serialises", e);
    }
    return sb.toString();
  }

  public static JsonNode tree(EvaluationReport report) {
    return MAPPER.valueToTree(report);
  }

  public static EvaluationReport read(String json) {
    try {
      return MAPPER.readValue(json, EvaluationReport.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a report: " + e.getOriginalMessage(), e);
    }
  }
}
