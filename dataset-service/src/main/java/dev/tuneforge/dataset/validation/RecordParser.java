package dev.tuneforge.dataset.validation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tuneforge.dataset.record.ChatRecord;
import dev.tuneforge.dataset.record.DatasetFormat;
import dev.tuneforge.dataset.record.Message;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Turns one line into a {@link ChatRecord} or says precisely why it cannot: bytes are checked for
 * NUL and strict UTF-8, then parsed as JSON, then the detected shape's schema is checked field by
 * field. Normalisation to chat turns happens here too, since checking a shape already walks it:
 * {@code text} becomes one assistant turn, prompt/completion a user and an assistant turn,
 * ShareGPT's {@code human}/{@code gpt} become {@code user}/{@code assistant}. One instance per
 * stream.
 */
final class RecordParser {

  private static final Set<String> CHAT_ROLES =
      Set.of(Message.SYSTEM, Message.USER, Message.ASSISTANT);

  private final JsonMapper mapper;
  private final Utf8Decoder utf8 = new Utf8Decoder();

  RecordParser(int maxLineBytes) {
    mapper =
        JsonMapper.builder()
            // A repeated key would make "which value trains?" ambiguous.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // "{...} {...}" on one line is two records glued together, not one.
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();
    // Jackson caps strings at 20 MB by default; the line limit is the cap that matters here.
    mapper
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder().maxStringLength(Math.max(maxLineBytes, 1024)).build());
  }

  /** Detects the shape of an already-parsed object, or null when it has none of the known keys. */
  static DatasetFormat detect(JsonNode node) {
    if (node.has("messages")) {
      return DatasetFormat.MESSAGES;
    }
    if (node.has("conversations")) {
      return DatasetFormat.SHAREGPT;
    }
    if (node.has("prompt") || node.has("completion")) {
      return DatasetFormat.PROMPT_COMPLETION;
    }
    if (node.has("text")) {
      return DatasetFormat.TEXT;
    }
    return null;
  }

  /** Decodes and parses the line; the caller has already ruled out NUL bytes and blank lines. */
  JsonNode parseJson(byte[] bytes, int length) throws RecordException {
    String text = utf8.decode(bytes, 0, length);
    try {
      return mapper.readTree(text);
    } catch (JsonProcessingException e) {
      throw new RecordException(
          ErrorKind.INVALID_JSON,
          "invalid JSON: "
              + e.getOriginalMessage()
              + " (column "
              + e.getLocation().getColumnNr()
              + ")");
    }
  }

  ChatRecord toRecord(JsonNode node, DatasetFormat format) throws RecordException {
    return switch (format) {
      case TEXT ->
          new ChatRecord(format, List.of(Message.of(Message.ASSISTANT, text(node, "text"))));
      case PROMPT_COMPLETION ->
          new ChatRecord(
              format,
              List.of(
                  Message.of(Message.USER, text(node, "prompt")),
                  Message.of(Message.ASSISTANT, text(node, "completion"))));
      case MESSAGES -> new ChatRecord(format, messages(node));
      case SHAREGPT -> new ChatRecord(format, conversations(node));
    };
  }

  private static List<Message> messages(JsonNode node) throws RecordException {
    JsonNode turns = array(node, "messages");
    List<Message> out = new ArrayList<>(turns.size());
    int i = 0;
    for (Iterator<JsonNode> it = turns.elements(); it.hasNext(); i++) {
      JsonNode turn = it.next();
      String where = "messages[" + i + "]";
      if (!turn.isObject()) {
        throw new RecordException(ErrorKind.WRONG_TYPE, where + " must be an object");
      }
      String role = string(turn, "role", where + ".role");
      if (!CHAT_ROLES.contains(role)) {
        throw new RecordException(
            ErrorKind.UNKNOWN_ROLE,
            where + ".role \"" + role + "\" is not one of system, user, assistant");
      }
      String content = text(turn, "content", where + ".content");
      Integer weight = weight(turn, role, where);
      out.add(new Message(role, content, weight));
    }
    requireAssistant(out, "messages", "assistant");
    return out;
  }

  private static List<Message> conversations(JsonNode node) throws RecordException {
    JsonNode turns = array(node, "conversations");
    List<Message> out = new ArrayList<>(turns.size());
    int i = 0;
    for (Iterator<JsonNode> it = turns.elements(); it.hasNext(); i++) {
      JsonNode turn = it.next();
      String where = "conversations[" + i + "]";
      if (!turn.isObject()) {
        throw new RecordException(ErrorKind.WRONG_TYPE, where + " must be an object");
      }
      String from = string(turn, "from", where + ".from");
      String role =
          switch (from) {
            case "system" -> Message.SYSTEM;
            case "human" -> Message.USER;
            case "gpt" -> Message.ASSISTANT;
            default ->
                throw new RecordException(
                    ErrorKind.UNKNOWN_ROLE,
                    where + ".from \"" + from + "\" is not one of system, human, gpt");
          };
      out.add(Message.of(role, text(turn, "value", where + ".value")));
    }
    requireAssistant(out, "conversations", "gpt");
    return out;
  }

  private static Integer weight(JsonNode turn, String role, String where) throws RecordException {
    JsonNode weight = turn.get("weight");
    if (weight == null || weight.isNull()) {
      return null;
    }
    if (!weight.isIntegralNumber() || (weight.asInt() != 0 && weight.asInt() != 1)) {
      throw new RecordException(ErrorKind.WRONG_TYPE, where + ".weight must be 0 or 1");
    }
    if (!Message.ASSISTANT.equals(role)) {
      throw new RecordException(
          ErrorKind.WRONG_TYPE, where + ".weight is only allowed on assistant turns");
    }
    return weight.asInt();
  }

  private static void requireAssistant(List<Message> turns, String field, String assistantName)
      throws RecordException {
    if (turns.isEmpty()) {
      throw new RecordException(ErrorKind.EMPTY_CONTENT, field + " is empty");
    }
    for (Message m : turns) {
      if (Message.ASSISTANT.equals(m.role())) {
        return;
      }
    }
    throw new RecordException(
        ErrorKind.NO_ASSISTANT_TURN, field + " has no " + assistantName + " turn");
  }

  private static JsonNode array(JsonNode node, String field) throws RecordException {
    JsonNode value = node.get(field);
    if (value == null || !value.isArray()) {
      throw new RecordException(ErrorKind.WRONG_TYPE, field + " must be an array");
    }
    return value;
  }

  private static String text(JsonNode node, String field) throws RecordException {
    return text(node, field, field);
  }

  /** A string field that must hold more than whitespace: blank turns teach nothing. */
  private static String text(JsonNode node, String field, String where) throws RecordException {
    String value = string(node, field, where);
    if (value.isBlank()) {
      throw new RecordException(ErrorKind.EMPTY_CONTENT, where + " is empty");
    }
    return value;
  }

  private static String string(JsonNode node, String field, String where) throws RecordException {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new RecordException(ErrorKind.WRONG_TYPE, where + " is missing");
    }
    if (!value.isTextual()) {
      throw new RecordException(
          ErrorKind.WRONG_TYPE,
          where + " must be a string, was " + value.getNodeType().name().toLowerCase());
    }
    return value.textValue();
  }
}
