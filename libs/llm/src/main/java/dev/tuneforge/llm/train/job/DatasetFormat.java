package dev.tuneforge.llm.train.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.llm.train.data.Example;
import dev.tuneforge.llm.train.data.ExampleJson;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the records of one dataset entry become examples, for TuneForge's own types ({@code chat},
 * {@code completion} as prompt/completion, {@code text}) and the Axolotl types users write: {@code
 * chat_template} (with {@code field_messages}, {@code message_property_mappings}, {@code roles},
 * {@code roles_to_train}, {@code train_on_eos}), {@code completion} (raw text in {@code field},
 * default {@code text}) and {@code alpaca} (instruction, input, output). Options the engine does
 * not implement are refused by name, never ignored.
 *
 * @param messagesField where a chat record keeps its turns (Axolotl's {@code field_messages})
 * @param roleField a turn's role property ({@code message_property_mappings.role})
 * @param contentField a turn's content property ({@code message_property_mappings.content})
 * @param roles source role value → chat role (Axolotl's {@code roles}, inverted); empty: as written
 * @param textField the field of a raw-text completion record (Axolotl's {@code field})
 */
public record DatasetFormat(
    String messagesField,
    String roleField,
    String contentField,
    Map<String, String> roles,
    String textField) {

  /** TuneForge's own record shapes, as written. */
  public static final DatasetFormat PLAIN =
      new DatasetFormat("messages", "role", "content", Map.of(), "text");

  /** Axolotl's prompt for alpaca records with an input (its AlpacaPrompter). */
  static final String ALPACA_WITH_INPUT =
      "Below is an instruction that describes a task, paired with an input that provides further"
          + " context. Write a response that appropriately completes the request.\n\n"
          + "### Instruction:\n%s\n\n### Input:\n%s\n\n### Response:\n";

  /** Axolotl's prompt for alpaca records without an input. */
  static final String ALPACA_NO_INPUT =
      "Below is an instruction that describes a task. Write a response that appropriately"
          + " completes the request.\n\n### Instruction:\n%s\n\n### Response:\n";

  /** The record as an example of the entry's type, or an error naming the field. */
  Example parse(JobConfig.DatasetType type, JsonNode record) {
    if (record == null || !record.isObject()) {
      throw new IllegalArgumentException("an example must be a JSON object");
    }
    return switch (type) {
      case CHAT -> chat(record);
      case ALPACA -> alpaca(record);
      case COMPLETION ->
          record.has("prompt") || record.has("completion")
              ? ExampleJson.parse(record)
              : new Example.Text(text(record, textField));
      case TEXT -> ExampleJson.parse(record);
    };
  }

  private Example chat(JsonNode record) {
    if (this.equals(PLAIN)) {
      return ExampleJson.parse(record);
    }
    JsonNode turns = record.get(messagesField);
    if (turns == null || !turns.isArray()) {
      throw new IllegalArgumentException("'" + messagesField + "' must be an array of messages");
    }
    ArrayNode messages = JsonNodeFactory.instance.arrayNode();
    for (int i = 0; i < turns.size(); i++) {
      JsonNode t = turns.get(i);
      String at = messagesField + "[" + i + "]";
      if (!t.isObject()) {
        throw new IllegalArgumentException("'" + at + "' must be an object");
      }
      String role = text(t, roleField, at);
      ObjectNode m = messages.addObject();
      m.put("role", roles.getOrDefault(role, role));
      m.put("content", text(t, contentField, at));
      if (t.has("weight")) {
        m.set("weight", t.get("weight"));
      }
    }
    ObjectNode rebuilt = JsonNodeFactory.instance.objectNode();
    rebuilt.set("messages", messages);
    return ExampleJson.parse(rebuilt);
  }

  private static Example alpaca(JsonNode record) {
    String instruction = text(record, "instruction");
    String input = record.hasNonNull("input") ? text(record, "input") : "";
    String prompt =
        input.isEmpty()
            ? String.format(Locale.ROOT, ALPACA_NO_INPUT, instruction)
            : String.format(Locale.ROOT, ALPACA_WITH_INPUT, instruction, input);
    return new Example.PromptCompletion(prompt, text(record, "output"));
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

  /**
   * Reads the format options of dataset entry {@code at} ({@code datasets[0]}) for {@code type}; an
   * option that does not belong to the type, or a value the engine cannot honour, is an error
   * naming it.
   */
  static DatasetFormat parse(String at, JobConfig.DatasetType type, JsonNode d) {
    String messages = "messages";
    String role = "role";
    String content = "content";
    Map<String, String> roles = new LinkedHashMap<>();
    String textField = "text";
    for (Iterator<String> it = d.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      String key = at + "." + f;
      JsonNode v = d.get(f);
      switch (f) {
        case "path", "type" -> {}
        case "field_messages" -> messages = string(key, v, type, JobConfig.DatasetType.CHAT);
        case "message_property_mappings" -> {
          only(key, type, JobConfig.DatasetType.CHAT);
          if (!v.isObject()) {
            throw new JobConfigException(key, "must be a mapping {role: …, content: …}");
          }
          for (Iterator<String> m = v.fieldNames(); m.hasNext(); ) {
            String p = m.next();
            String value = string(key + "." + p, v.get(p), type, JobConfig.DatasetType.CHAT);
            switch (p) {
              case "role" -> role = value;
              case "content" -> content = value;
              default -> throw new JobConfigException(key + "." + p, "unknown; role or content");
            }
          }
        }
        case "roles" -> {
          only(key, type, JobConfig.DatasetType.CHAT);
          if (!v.isObject()) {
            throw new JobConfigException(key, "must map a chat role to the values that mean it");
          }
          for (Iterator<String> r = v.fieldNames(); r.hasNext(); ) {
            String target = r.next();
            JsonNode sources = v.get(target);
            if (!sources.isArray()) {
              throw new JobConfigException(key + "." + target, "must be a list of role values");
            }
            for (JsonNode s : sources) {
              if (!s.isTextual()) {
                throw new JobConfigException(key + "." + target, "must be a list of strings");
              }
              roles.put(s.asText(), target);
            }
          }
        }
        case "roles_to_train" -> {
          only(key, type, JobConfig.DatasetType.CHAT);
          if (!v.isArray() || v.size() != 1 || !"assistant".equals(v.get(0).asText())) {
            // The loss mask of ChatSpans covers assistant turns (per-turn weight 0/1 switches one
            // off); training on user or system turns is not implemented, so it is not pretended.
            throw new JobConfigException(
                key, "only [assistant] is supported: other roles are context for this engine");
          }
        }
        case "train_on_eos" -> {
          only(key, type, JobConfig.DatasetType.CHAT);
          if (!"turn".equals(v.asText())) {
            throw new JobConfigException(
                key,
                "only 'turn' is supported (each trained turn's end-of-turn marker is a target)");
          }
        }
        case "field" -> textField = string(key, v, type, JobConfig.DatasetType.COMPLETION);
        default ->
            throw new JobConfigException(
                key, "unknown key for a " + type.name().toLowerCase(Locale.ROOT) + " dataset");
      }
    }
    DatasetFormat f = new DatasetFormat(messages, role, content, Map.copyOf(roles), textField);
    return f.equals(new DatasetFormat("messages", "role", "content", Map.of(), "text")) ? PLAIN : f;
  }

  private static void only(String key, JobConfig.DatasetType actual, JobConfig.DatasetType wanted) {
    if (actual != wanted) {
      throw new JobConfigException(
          key,
          "belongs to "
              + (wanted == JobConfig.DatasetType.CHAT ? "chat/chat_template" : "completion")
              + " datasets, not "
              + actual.name().toLowerCase(Locale.ROOT));
    }
  }

  private static String string(
      String key, JsonNode v, JobConfig.DatasetType actual, JobConfig.DatasetType wanted) {
    only(key, actual, wanted);
    if (!v.isTextual() || v.asText().isBlank()) {
      throw new JobConfigException(key, "must be a non-empty string");
    }
    return v.asText();
  }

  /** Both the engine's names and Axolotl's, for messages. */
  static final List<String> TYPE_NAMES =
      List.of("chat", "chat_template", "completion", "text", "alpaca");
}
