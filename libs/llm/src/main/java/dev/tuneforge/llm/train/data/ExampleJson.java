package dev.tuneforge.llm.train.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one JSONL record into an {@link Example}, by its fields: {@code text}; {@code prompt} +
 * {@code completion}; or {@code messages} (OpenAI chat format, each with {@code role}, {@code
 * content} and optional {@code weight} 0/1 on assistant messages). Anything else is an error naming
 * the field.
 */
public final class ExampleJson {

  private ExampleJson() {}

  public static Example parse(JsonNode record) {
    if (record == null || !record.isObject()) {
      throw new IllegalArgumentException("an example must be a JSON object");
    }
    if (record.has("messages")) {
      return new Example.Chat(messages(record.get("messages")));
    }
    if (record.has("prompt") || record.has("completion")) {
      return new Example.PromptCompletion(text(record, "prompt"), text(record, "completion"));
    }
    if (record.has("text")) {
      return new Example.Text(text(record, "text"));
    }
    throw new IllegalArgumentException(
        "an example needs 'text', 'prompt' and 'completion', or 'messages'; got fields "
            + fieldNames(record));
  }

  private static List<ChatTurn> messages(JsonNode array) {
    if (!array.isArray() || array.isEmpty()) {
      throw new IllegalArgumentException("'messages' must be a non-empty array");
    }
    List<ChatTurn> turns = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      JsonNode m = array.get(i);
      String at = "messages[" + i + "]";
      if (!m.isObject()) {
        throw new IllegalArgumentException("'" + at + "' must be an object");
      }
      String role = text(m, "role", at);
      String content = text(m, "content", at);
      Integer weight = null;
      if (m.has("weight") && !m.get("weight").isNull()) {
        JsonNode w = m.get("weight");
        if (!w.isIntegralNumber() || (w.asInt() != 0 && w.asInt() != 1)) {
          throw new IllegalArgumentException("'" + at + ".weight' must be 0 or 1, got " + w);
        }
        weight = w.asInt();
      }
      try {
        turns.add(new ChatTurn(role, content, weight));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("'" + at + "': " + e.getMessage(), e);
      }
    }
    return turns;
  }

  private static String text(JsonNode node, String field) {
    return text(node, field, null);
  }

  private static String text(JsonNode node, String field, String parent) {
    String name = parent == null ? field : parent + "." + field;
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("'" + name + "' is missing");
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException("'" + name + "' must be a string, got " + v.getNodeType());
    }
    return v.asText();
  }

  private static List<String> fieldNames(JsonNode record) {
    List<String> names = new ArrayList<>();
    record.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
