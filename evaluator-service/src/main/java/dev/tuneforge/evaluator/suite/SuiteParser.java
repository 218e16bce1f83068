package dev.tuneforge.evaluator.suite;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.tuneforge.evaluator.Parsed;
import dev.tuneforge.evaluator.gate.GatePolicy;
import dev.tuneforge.evaluator.suite.Expectation.SimilarityMetric;
import dev.tuneforge.evaluator.suite.Expectation.StringOp;
import dev.tuneforge.llm.template.ChatMessage;
import dev.tuneforge.platform.api.FieldError;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a regression suite from YAML or JSON:
 *
 * <pre>
 * name: arithmetic-smoke
 * gate: {min_suite_pass_rate: 0.9}          # optional, see GatePolicy
 * cases:
 *   - id: add-small
 *     prompt: "What is 2 plus 3?"            # or messages: [{role, content}, ...]
 *     expect: {type: exact, value: "5"}
 *     tags: [arithmetic]
 * </pre>
 *
 * Expectation types: {@code exact}, {@code contains}, {@code not_contains}, {@code regex}, {@code
 * json} (value: optional JSON Schema, draft 2020-12 unless it names another in {@code $schema}),
 * {@code max_length} (value: characters), {@code rouge_l} (value: reference, {@code threshold});
 * and OpenAI grader names: {@code string_check} with {@code operation} eq/ne/like/ilike and {@code
 * reference} (or the operation as the type), {@code text_similarity} with {@code evaluation_metric}
 * rouge_l/fuzzy_match, {@code reference} and {@code pass_threshold}. Every problem is reported,
 * each naming the case (by index in the path, by id in the message) and the field; nothing throws.
 */
public final class SuiteParser {
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
  private static final ObjectMapper YAML =
      YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
  private static final ObjectMapper CANONICAL =
      JsonMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Set<String> ROLES = Set.of("system", "user", "assistant");
  private static final Set<String> SUITE_FIELDS = Set.of("name", "description", "gate", "cases");
  private static final Set<String> CASE_FIELDS =
      Set.of("id", "prompt", "messages", "expect", "tags");
  private static final List<String> TYPES =
      List.of(
          "exact",
          "contains",
          "not_contains",
          "regex",
          "json",
          "max_length",
          "rouge_l",
          "string_check",
          "eq",
          "ne",
          "like",
          "ilike",
          "text_similarity");
  private static final SchemaRegistry SCHEMAS =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  private SuiteParser() {}

  /**
   * Parses YAML or JSON text. Text starting with '{' is read as JSON first (a YAML parser accepts
   * most JSON but not all, e.g. tabs), then as a YAML flow mapping; the JSON error is reported if
   * both fail.
   */
  public static Parsed<Suite> parse(String text) {
    String t = text.strip();
    try {
      return parse(t.startsWith("{") ? JSON.readTree(t) : YAML.readTree(t));
    } catch (JsonProcessingException e) {
      if (t.startsWith("{")) {
        try {
          return parse(YAML.readTree(t));
        } catch (JsonProcessingException ignored) {
          // the JSON error describes a JSON document better
        }
      }
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      return Parsed.failed(
          List.of(
              new FieldError(
                  "suite", "not valid YAML or JSON" + where + ": " + e.getOriginalMessage())));
    }
  }

  public static Parsed<Suite> parse(JsonNode root) {
    List<FieldError> errors = new ArrayList<>();
    if (root == null || !root.isObject()) {
      return Parsed.failed(
          List.of(new FieldError("suite", "must be an object with 'name' and 'cases'")));
    }
    unknownFields(root, SUITE_FIELDS, "", errors);
    String name = null;
    JsonNode n = root.get("name");
    if (n == null || n.isNull()) {
      errors.add(new FieldError("name", "is required"));
    } else if (!n.isTextual() || !NAME.matcher(n.asText()).matches()) {
      errors.add(
          new FieldError(
              "name",
              "must be 1-64 letters, digits, '.', '_' or '-' (starting with a letter or"
                  + " digit), got "
                  + n));
    } else {
      name = n.asText();
    }
    Parsed<GatePolicy> gate = GatePolicy.parse(root.get("gate"), "gate");
    errors.addAll(gate.errors());

    List<SuiteCase> cases = new ArrayList<>();
    JsonNode cs = root.get("cases");
    if (cs == null || cs.isNull()) {
      errors.add(new FieldError("cases", "is required: a non-empty list of cases"));
    } else if (!cs.isArray()) {
      errors.add(new FieldError("cases", "must be a list of cases"));
    } else if (cs.isEmpty()) {
      errors.add(new FieldError("cases", "is empty: a suite needs at least one case"));
    } else {
      Set<String> ids = new HashSet<>();
      for (int i = 0; i < cs.size(); i++) {
        SuiteCase c = parseCase(cs.get(i), i, ids, errors);
        if (c != null) {
          cases.add(c);
        }
      }
    }
    if (!errors.isEmpty()) {
      return Parsed.failed(errors);
    }
    String canonical = canonical(root);
    String sha = sha256(canonical);
    return Parsed.ok(new Suite(name, sha.substring(0, 12), sha, cases, gate.value(), canonical));
  }

  private static SuiteCase parseCase(JsonNode c, int i, Set<String> ids, List<FieldError> errors) {
    String at = "cases[" + i + "]";
    if (!c.isObject()) {
      errors.add(new FieldError(at, "must be an object with id, prompt or messages, and expect"));
      return null;
    }
    int before = errors.size();
    JsonNode idNode = c.get("id");
    String id = null;
    if (idNode == null || idNode.isNull() || (idNode.isTextual() && idNode.asText().isBlank())) {
      errors.add(new FieldError(at + ".id", "is required"));
    } else if (!idNode.isTextual() && !idNode.isIntegralNumber()) {
      errors.add(new FieldError(at + ".id", "must be a string, got " + idNode));
    } else {
      id = idNode.asText();
      if (!ids.add(id)) {
        errors.add(new FieldError(at + ".id", "case '" + id + "': duplicate case id"));
      }
    }
    String who = id == null ? "case #" + i : "case '" + id + "'";
    unknownFields(c, CASE_FIELDS, at + ".", errors, who);

    List<ChatMessage> messages = messages(c, at, who, errors);
    Expectation expect = expectation(c.get("expect"), at + ".expect", who, errors);
    List<String> tags = new ArrayList<>();
    JsonNode t = c.get("tags");
    if (t != null && !t.isNull()) {
      if (!t.isArray()) {
        errors.add(new FieldError(at + ".tags", who + ": must be a list of strings"));
      } else {
        for (int j = 0; j < t.size(); j++) {
          if (!t.get(j).isTextual()) {
            errors.add(
                new FieldError(
                    at + ".tags[" + j + "]", who + ": must be a string, got " + t.get(j)));
          } else {
            tags.add(t.get(j).asText());
          }
        }
      }
    }
    return errors.size() == before ? new SuiteCase(id, messages, expect, tags) : null;
  }

  private static List<ChatMessage> messages(
      JsonNode c, String at, String who, List<FieldError> errors) {
    JsonNode prompt = c.get("prompt");
    JsonNode msgs = c.get("messages");
    boolean hasPrompt = prompt != null && !prompt.isNull();
    boolean hasMessages = msgs != null && !msgs.isNull();
    if (hasPrompt && hasMessages) {
      errors.add(
          new FieldError(at + ".prompt", who + ": give either prompt or messages, not both"));
      return List.of();
    }
    if (!hasPrompt && !hasMessages) {
      errors.add(
          new FieldError(
              at + ".prompt", who + ": missing prompt (a 'prompt' string or 'messages')"));
      return List.of();
    }
    if (hasPrompt) {
      if (!prompt.isTextual() || prompt.asText().isEmpty()) {
        errors.add(new FieldError(at + ".prompt", who + ": must be a non-empty string"));
        return List.of();
      }
      return List.of(ChatMessage.user(prompt.asText()));
    }
    if (!msgs.isArray() || msgs.isEmpty()) {
      errors.add(
          new FieldError(at + ".messages", who + ": must be a non-empty list of {role, content}"));
      return List.of();
    }
    List<ChatMessage> out = new ArrayList<>();
    for (int j = 0; j < msgs.size(); j++) {
      JsonNode m = msgs.get(j);
      String mat = at + ".messages[" + j + "]";
      JsonNode role = m.get("role");
      JsonNode content = m.get("content");
      if (role == null || !role.isTextual() || !ROLES.contains(role.asText())) {
        errors.add(
            new FieldError(
                mat + ".role",
                who + ": must be one of " + ROLES.stream().sorted().toList() + ", got " + role));
      } else if (content == null || !content.isTextual()) {
        errors.add(new FieldError(mat + ".content", who + ": must be a string"));
      } else {
        out.add(new ChatMessage(role.asText(), content.asText()));
      }
    }
    if (!out.isEmpty() && out.get(out.size() - 1).role().equals("assistant")) {
      errors.add(
          new FieldError(
              at + ".messages",
              who
                  + ": the last message must not be the assistant's: the model"
                  + " writes that turn"));
    }
    return out;
  }

  private static Expectation expectation(
      JsonNode e, String at, String who, List<FieldError> errors) {
    if (e == null || e.isNull()) {
      errors.add(new FieldError(at, who + ": is required ({type, value})"));
      return null;
    }
    if (!e.isObject()) {
      errors.add(new FieldError(at, who + ": must be an object {type, value}"));
      return null;
    }
    JsonNode typeNode = e.get("type");
    if (typeNode == null || !typeNode.isTextual()) {
      errors.add(new FieldError(at + ".type", who + ": is required; one of " + TYPES));
      return null;
    }
    String type = typeNode.asText();
    return switch (type) {
      case "exact" ->
          fields(e, at, who, errors, Set.of("value"))
              ? new Expectation.Exact(string(e, "value", at, who, errors, false))
              : null;
      case "contains", "not_contains" ->
          fields(e, at, who, errors, Set.of("value"))
              ? new Expectation.Contains(
                  string(e, "value", at, who, errors, true), type.equals("not_contains"))
              : null;
      case "eq", "ne", "like", "ilike" ->
          fields(e, at, who, errors, Set.of("value", "reference"))
              ? new Expectation.StringCheck(
                  StringOp.valueOf(type.toUpperCase(Locale.ROOT)), reference(e, at, who, errors))
              : null;
      case "string_check" -> stringCheck(e, at, who, errors);
      case "regex" -> regex(e, at, who, errors);
      case "json" -> json(e, at, who, errors);
      case "max_length" -> maxLength(e, at, who, errors);
      case "rouge_l" ->
          fields(e, at, who, errors, Set.of("value", "reference", "threshold"))
              ? similarity(SimilarityMetric.ROUGE_L, e, "threshold", at, who, errors)
              : null;
      case "text_similarity" -> textSimilarity(e, at, who, errors);
      default -> {
        errors.add(
            new FieldError(
                at + ".type", who + ": unknown expectation type '" + type + "'; one of " + TYPES));
        yield null;
      }
    };
  }

  private static Expectation stringCheck(
      JsonNode e, String at, String who, List<FieldError> errors) {
    if (!fields(e, at, who, errors, Set.of("operation", "value", "reference"))) {
      return null;
    }
    JsonNode op = e.get("operation");
    List<String> ops = List.of("eq", "ne", "like", "ilike");
    if (op == null || !op.isTextual() || !ops.contains(op.asText())) {
      errors.add(
          new FieldError(at + ".operation", who + ": must be one of " + ops + ", got " + op));
      return null;
    }
    String ref = reference(e, at, who, errors);
    return ref == null
        ? null
        : new Expectation.StringCheck(StringOp.valueOf(op.asText().toUpperCase(Locale.ROOT)), ref);
  }

  private static Expectation regex(JsonNode e, String at, String who, List<FieldError> errors) {
    if (!fields(e, at, who, errors, Set.of("value"))) {
      return null;
    }
    String p = string(e, "value", at, who, errors, true);
    if (p == null) {
      return null;
    }
    try {
      return new Expectation.Regex(Pattern.compile(p));
    } catch (PatternSyntaxException ex) {
      errors.add(
          new FieldError(
              at + ".value",
              who
                  + ": invalid regex: "
                  + ex.getDescription()
                  + " near index "
                  + ex.getIndex()
                  + " of "
                  + p));
      return null;
    }
  }

  private static Expectation json(JsonNode e, String at, String who, List<FieldError> errors) {
    if (!fields(e, at, who, errors, Set.of("value", "schema"))) {
      return null;
    }
    String key = e.has("schema") ? "schema" : "value";
    JsonNode schemaNode = e.get(key);
    if (e.has("schema") && e.has("value")) {
      errors.add(
          new FieldError(
              at + ".schema", who + ": give the schema as 'value' or 'schema', not both"));
      return null;
    }
    if (schemaNode == null || schemaNode.isNull()) {
      return new Expectation.Json(null, null);
    }
    if (!schemaNode.isObject() && !schemaNode.isBoolean()) {
      errors.add(
          new FieldError(
              at + "." + key,
              who
                  + ": a JSON Schema must be an object (or boolean), got "
                  + schemaNode.getNodeType()));
      return null;
    }
    // a schema is checked against its dialect's meta-schema (bundled, no network) before use
    String dialect =
        schemaNode.path("$schema").asText(SpecificationVersion.DRAFT_2020_12.getDialectId());
    Schema meta;
    try {
      meta = SCHEMAS.getSchema(SchemaLocation.of(dialect));
    } catch (RuntimeException ex) {
      errors.add(
          new FieldError(
              at + "." + key + ".$schema", who + ": unknown JSON Schema dialect " + dialect));
      return null;
    }
    List<com.networknt.schema.Error> problems;
    try {
      problems = meta.validate(schemaNode);
    } catch (RuntimeException ex) {
      errors.add(new FieldError(at + "." + key, who + ": invalid JSON Schema: " + ex.getMessage()));
      return null;
    }
    if (!problems.isEmpty()) {
      errors.add(
          new FieldError(
              at + "." + key,
              who
                  + ": invalid JSON Schema: "
                  + problems.get(0)
                  + (problems.size() > 1 ? " (+" + (problems.size() - 1) + " more)" : "")));
      return null;
    }
    try {
      return new Expectation.Json(schemaNode, SCHEMAS.getSchema(schemaNode));
    } catch (RuntimeException ex) {
      errors.add(new FieldError(at + "." + key, who + ": invalid JSON Schema: " + ex.getMessage()));
      return null;
    }
  }

  private static Expectation maxLength(JsonNode e, String at, String who, List<FieldError> errors) {
    if (!fields(e, at, who, errors, Set.of("value"))) {
      return null;
    }
    JsonNode v = e.get("value");
    if (v == null || !v.isIntegralNumber() || v.asLong() < 0 || v.asLong() > Integer.MAX_VALUE) {
      errors.add(
          new FieldError(
              at + ".value",
              who + ": must be a non-negative whole number of characters, got " + v));
      return null;
    }
    return new Expectation.MaxLength(v.asInt());
  }

  private static Expectation textSimilarity(
      JsonNode e, String at, String who, List<FieldError> errors) {
    if (!fields(
        e, at, who, errors, Set.of("evaluation_metric", "reference", "value", "pass_threshold"))) {
      return null;
    }
    JsonNode m = e.get("evaluation_metric");
    SimilarityMetric metric;
    if (m != null && m.isTextual() && m.asText().equals("rouge_l")) {
      metric = SimilarityMetric.ROUGE_L;
    } else if (m != null && m.isTextual() && m.asText().equals("fuzzy_match")) {
      metric = SimilarityMetric.FUZZY_MATCH;
    } else {
      errors.add(
          new FieldError(
              at + ".evaluation_metric",
              who
                  + ": must be rouge_l or fuzzy_match (the text_similarity"
                  + " metrics TuneForge computes), got "
                  + m));
      return null;
    }
    return similarity(metric, e, "pass_threshold", at, who, errors);
  }

  private static Expectation similarity(
      SimilarityMetric metric,
      JsonNode e,
      String thresholdField,
      String at,
      String who,
      List<FieldError> errors) {
    String ref = reference(e, at, who, errors);
    JsonNode th = e.get(thresholdField);
    if (th == null || !th.isNumber() || th.asDouble() < 0 || th.asDouble() > 1) {
      errors.add(
          new FieldError(
              at + "." + thresholdField, who + ": must be a number between 0 and 1, got " + th));
      return null;
    }
    return ref == null ? null : new Expectation.Similarity(metric, ref, th.asDouble());
  }

  /** OpenAI graders call it {@code reference}; TuneForge's own types call it {@code value}. */
  private static String reference(JsonNode e, String at, String who, List<FieldError> errors) {
    if (e.has("reference") && e.has("value")) {
      errors.add(
          new FieldError(at + ".reference", who + ": give 'reference' or 'value', not both"));
      return null;
    }
    return string(e, e.has("reference") ? "reference" : "value", at, who, errors, false);
  }

  private static String string(
      JsonNode e, String field, String at, String who, List<FieldError> errors, boolean nonEmpty) {
    JsonNode v = e.get(field);
    if (v == null || v.isNull()) {
      errors.add(new FieldError(at + "." + field, who + ": is required"));
      return null;
    }
    if (!v.isTextual()) {
      errors.add(
          new FieldError(at + "." + field, who + ": must be a string, got " + v.getNodeType()));
      return null;
    }
    if (nonEmpty && v.asText().isEmpty()) {
      errors.add(new FieldError(at + "." + field, who + ": must not be empty"));
      return null;
    }
    return v.asText();
  }

  /** Rejects fields the type does not know (a typo would otherwise be silently ignored). */
  private static boolean fields(
      JsonNode e, String at, String who, List<FieldError> errors, Set<String> allowed) {
    Set<String> withType = new HashSet<>(allowed);
    withType.add("type");
    return unknownFields(e, withType, at + ".", errors, who);
  }

  private static boolean unknownFields(
      JsonNode node, Set<String> allowed, String prefix, List<FieldError> errors) {
    return unknownFields(node, allowed, prefix, errors, null);
  }

  private static boolean unknownFields(
      JsonNode node, Set<String> allowed, String prefix, List<FieldError> errors, String who) {
    boolean clean = true;
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        errors.add(
            new FieldError(
                prefix + f,
                (who == null ? "" : who + ": ")
                    + "unknown field; known: "
                    + allowed.stream().sorted().toList()));
        clean = false;
      }
    }
    return clean;
  }

  private static String canonical(JsonNode root) {
    try {
      return CANONICAL.writeValueAsString(CANONICAL.treeToValue(root, Object.class));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed tree always serialises", e);
    }
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
