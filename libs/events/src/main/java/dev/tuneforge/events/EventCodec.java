package dev.tuneforge.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Strict JSON for envelopes. Decoding checks, in order: well-formed JSON, the envelope fields, a
 * supported schemaVersion, a known type, every required payload field present and non-null, no
 * unknown fields; the first failure is reported with the field's path. Strict because a consumer
 * that guesses at a malformed fact corrupts state silently; the record goes to a dead-letter topic
 * instead.
 */
public final class EventCodec {

  private static final List<String> ENVELOPE_FIELDS =
      List.of("eventId", "type", "key", "occurredAt", "schemaVersion", "producer", "payload");

  private final ObjectMapper mapper =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  public byte[] encode(EventEnvelope envelope) {
    return encodeToString(envelope).getBytes(StandardCharsets.UTF_8);
  }

  public String encodeToString(EventEnvelope envelope) {
    try {
      ObjectNode node = mapper.createObjectNode();
      node.put("eventId", envelope.eventId());
      node.put("type", envelope.type());
      node.put("key", envelope.key());
      node.put("occurredAt", envelope.occurredAt().toString());
      node.put("schemaVersion", envelope.schemaVersion());
      node.put("producer", envelope.producer());
      node.set("payload", mapper.valueToTree(envelope.payload()));
      return mapper.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "cannot encode " + envelope.type() + ": " + e.getMessage(), e);
    }
  }

  public EventEnvelope decode(byte[] bytes) {
    if (bytes == null) {
      throw new EventDecodingException("empty record: no value");
    }
    return decode(new String(bytes, StandardCharsets.UTF_8));
  }

  public EventEnvelope decode(String json) {
    if (json == null || json.isBlank()) {
      throw new EventDecodingException("empty record: no JSON");
    }
    JsonNode root;
    try {
      root = mapper.readTree(json);
    } catch (JsonProcessingException e) {
      throw new EventDecodingException("broken JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new EventDecodingException("an event envelope must be a JSON object");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!ENVELOPE_FIELDS.contains(f)) {
        throw new EventDecodingException("unknown envelope field '" + f + "'");
      }
    }
    String eventId = requiredText(root, "eventId");
    String type = requiredText(root, "type");
    String key = requiredText(root, "key");
    String producer = requiredText(root, "producer");
    Instant occurredAt;
    try {
      occurredAt = Instant.parse(requiredText(root, "occurredAt"));
    } catch (DateTimeParseException e) {
      throw new EventDecodingException(
          "envelope field 'occurredAt' is not an ISO-8601 instant: " + root.get("occurredAt"));
    }
    JsonNode version = root.get("schemaVersion");
    if (version == null || version.isNull()) {
      throw new EventDecodingException("missing required envelope field 'schemaVersion'");
    }
    if (!version.isInt()) {
      throw new EventDecodingException(
          "envelope field 'schemaVersion' must be an integer, got " + version);
    }
    if (!EventTypes.SUPPORTED_SCHEMA_VERSIONS.contains(version.intValue())) {
      throw new EventDecodingException(
          "unsupported schemaVersion "
              + version.intValue()
              + " for "
              + type
              + " (supported: "
              + EventTypes.SUPPORTED_SCHEMA_VERSIONS
              + ")");
    }
    Class<? extends Event> eventType = EventTypes.forName(type);
    JsonNode payload = root.get("payload");
    if (payload == null || !payload.isObject()) {
      throw new EventDecodingException("missing required envelope field 'payload' (an object)");
    }
    requireFields(eventType, payload);
    Event event;
    try {
      event = mapper.treeToValue(payload, eventType);
    } catch (JsonProcessingException e) {
      throw new EventDecodingException(type + ": " + describe(e), e);
    }
    if (!event.key().equals(key)) {
      throw new EventDecodingException(
          "envelope key '" + key + "' does not match the " + type + " key '" + event.key() + "'");
    }
    return new EventEnvelope(eventId, type, key, occurredAt, version.intValue(), producer, event);
  }

  /** Every record component without {@link Nullable} must be present and non-null. */
  private static void requireFields(Class<? extends Event> type, JsonNode payload) {
    Set<String> known = new java.util.HashSet<>();
    for (RecordComponent c : type.getRecordComponents()) {
      known.add(c.getName());
      JsonNode v = payload.get(c.getName());
      boolean optional = c.isAnnotationPresent(Nullable.class);
      if ((v == null || v.isNull()) && !optional) {
        throw new EventDecodingException(
            "missing required field '" + c.getName() + "' in " + type.getSimpleName());
      }
    }
    for (Iterator<String> it = payload.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!known.contains(f)) {
        throw new EventDecodingException("unknown field '" + f + "' in " + type.getSimpleName());
      }
    }
  }

  private static String requiredText(JsonNode root, String field) {
    JsonNode v = root.get(field);
    if (v == null || v.isNull()) {
      throw new EventDecodingException("missing required envelope field '" + field + "'");
    }
    if (!v.isTextual() || v.asText().isEmpty()) {
      throw new EventDecodingException(
          "envelope field '" + field + "' must be a non-empty string, got " + v);
    }
    return v.asText();
  }

  private static String describe(JsonProcessingException e) {
    String path =
        e instanceof com.fasterxml.jackson.databind.JsonMappingException m && !m.getPath().isEmpty()
            ? " at field '" + m.getPathReference().replaceFirst("^[^\\[]*", "") + "'"
            : "";
    return e.getOriginalMessage() + path;
  }
}
