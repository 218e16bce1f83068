package dev.tuneforge.evaluator.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneforge.evaluator.Parsed;
import dev.tuneforge.llm.template.ChatMessage;
import dev.tuneforge.platform.api.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A chat completion request in OpenAI's shape, checked field by field: {@code model}, {@code
 * messages} (system/developer/user/assistant, text content as a string or text parts), {@code
 * temperature} (0–2, default 1; 0 is greedy), {@code top_p} (default 1), {@code max_tokens} or
 * {@code max_completion_tokens}, {@code stop} (a string or up to 4), {@code seed}, {@code n} (1
 * only), {@code stream} and {@code stream_options.include_usage}. Other fields OpenAI defines are
 * accepted and ignored, as the official SDKs send some of them by default.
 *
 * @param maxTokens null: as many as the context leaves
 * @param seed null: a fresh random seed
 */
public record ChatRequest(
    String model,
    List<ChatMessage> messages,
    double temperature,
    double topP,
    Integer maxTokens,
    List<String> stop,
    Long seed,
    boolean stream,
    boolean includeUsage) {

  private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");
  static final int MAX_STOP = 4;

  public static Parsed<ChatRequest> parse(JsonNode body) {
    List<FieldError> errors = new ArrayList<>();
    if (body == null || !body.isObject()) {
      return Parsed.failed(
          List.of(new FieldError("body", "expected a JSON object with model and messages")));
    }
    String model = null;
    JsonNode m = body.get("model");
    if (m == null || m.isNull()) {
      errors.add(new FieldError("model", "is required"));
    } else if (!m.isTextual() || m.asText().isBlank()) {
      errors.add(new FieldError("model", "must be a model name or a fine-tuned model id"));
    } else {
      model = m.asText();
    }
    List<ChatMessage> messages = messages(body.get("messages"), errors);
    double temperature = number(body, "temperature", 1.0, 0, 2, true, errors);
    double topP = number(body, "top_p", 1.0, 0, 1, false, errors);
    Integer maxTokens = positiveInt(body, "max_completion_tokens", errors);
    if (maxTokens == null) {
      maxTokens = positiveInt(body, "max_tokens", errors);
    }
    List<String> stop = stop(body.get("stop"), errors);
    Long seed = null;
    JsonNode s = body.get("seed");
    if (s != null && !s.isNull()) {
      if (!s.isIntegralNumber() || !s.canConvertToLong()) {
        errors.add(new FieldError("seed", "must be an integer, got " + s));
      } else {
        seed = s.asLong();
      }
    }
    JsonNode n = body.get("n");
    if (n != null && !n.isNull() && !(n.isIntegralNumber() && n.asInt() == 1)) {
      errors.add(new FieldError("n", "only n=1 is supported, got " + n));
    }
    boolean stream = bool(body, "stream", errors);
    boolean includeUsage = false;
    JsonNode so = body.get("stream_options");
    if (so != null && !so.isNull()) {
      if (!so.isObject()) {
        errors.add(new FieldError("stream_options", "must be an object"));
      } else {
        includeUsage = bool(so, "include_usage", errors);
      }
    }
    if (!errors.isEmpty()) {
      return Parsed.failed(errors);
    }
    return Parsed.ok(
        new ChatRequest(
            model, messages, temperature, topP, maxTokens, stop, seed, stream, includeUsage));
  }

  private static List<ChatMessage> messages(JsonNode node, List<FieldError> errors) {
    List<ChatMessage> out = new ArrayList<>();
    if (node == null || node.isNull()) {
      errors.add(new FieldError("messages", "is required"));
      return out;
    }
    if (!node.isArray() || node.isEmpty()) {
      errors.add(new FieldError("messages", "must be a non-empty array of messages"));
      return out;
    }
    for (int i = 0; i < node.size(); i++) {
      String at = "messages[" + i + "]";
      JsonNode msg = node.get(i);
      if (!msg.isObject()) {
        errors.add(new FieldError(at, "must be an object with role and content"));
        continue;
      }
      JsonNode role = msg.get("role");
      if (role == null || !role.isTextual() || !ROLES.contains(role.asText())) {
        errors.add(
            new FieldError(
                at + ".role",
                "must be one of system, developer, user, assistant; got "
                    + (role == null ? "nothing" : role)));
        continue;
      }
      String content = content(msg.get("content"), at + ".content", errors);
      if (content != null) {
        // OpenAI's "developer" messages are the system prompt of older models
        String r = role.asText().equals("developer") ? "system" : role.asText();
        out.add(new ChatMessage(r, content));
      }
    }
    return out;
  }

  /** A string, or text parts {@code [{type: text, text}]} joined. */
  private static String content(JsonNode c, String at, List<FieldError> errors) {
    if (c == null || c.isNull()) {
      errors.add(new FieldError(at, "is required"));
      return null;
    }
    if (c.isTextual()) {
      return c.asText();
    }
    if (c.isArray()) {
      StringBuilder sb = new StringBuilder();
      for (int j = 0; j < c.size(); j++) {
        JsonNode part = c.get(j);
        if (!part.path("type").asText().equals("text") || !part.path("text").isTextual()) {
          errors.add(
              new FieldError(
                  at + "[" + j + "]",
                  "only text parts ({\"type\":\"text\",\"text\":…}) are supported"));
          return null;
        }
        sb.append(part.get("text").asText());
      }
      return sb.toString();
    }
    errors.add(new FieldError(at, "must be a string or an array of text parts"));
    return null;
  }

  private static double number(
      JsonNode body,
      String field,
      double dflt,
      double min,
      double max,
      boolean minInclusive,
      List<FieldError> errors) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    double d = v.asDouble();
    if (!v.isNumber() || Double.isNaN(d) || d > max || (minInclusive ? d < min : d <= min)) {
      errors.add(
          new FieldError(
              field,
              "must be a number "
                  + (minInclusive ? "from " + min : "above " + min)
                  + " to "
                  + max
                  + ", got "
                  + v));
      return dflt;
    }
    return d;
  }

  private static Integer positiveInt(JsonNode body, String field, List<FieldError> errors) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1) {
      errors.add(new FieldError(field, "must be a whole number >= 1, got " + v));
      return null;
    }
    return v.asInt();
  }

  private static boolean bool(JsonNode body, String field, List<FieldError> errors) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      errors.add(new FieldError(field, "must be true or false, got " + v));
      return false;
    }
    return v.asBoolean();
  }

  private static List<String> stop(JsonNode v, List<FieldError> errors) {
    if (v == null || v.isNull()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    if (v.isTextual()) {
      out.add(v.asText());
    } else if (v.isArray() && v.size() <= MAX_STOP) {
      for (JsonNode s : v) {
        if (!s.isTextual()) {
          errors.add(new FieldError("stop", "must hold strings only, got " + s));
          return List.of();
        }
        out.add(s.asText());
      }
    } else {
      errors.add(
          new FieldError("stop", "must be a string or an array of up to " + MAX_STOP + " strings"));
      return List.of();
    }
    if (out.stream().anyMatch(String::isEmpty)) {
      errors.add(new FieldError("stop", "stop strings must not be empty"));
      return List.of();
    }
    return out;
  }
}
