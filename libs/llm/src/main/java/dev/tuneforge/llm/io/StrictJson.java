package dev.tuneforge.llm.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON parsing for files from a model repository (safetensors headers, shard indexes, adapter
 * configs): nesting depth bounded (serde_json, which the safetensors reference uses, stops at 128),
 * duplicate keys refused rather than the last silently winning, and parse errors that say what is
 * wrong and where (line and column), not just "cannot read".
 */
public final class StrictJson {
  /** None of these files legitimately nests deeper than a handful of levels. */
  public static final int MAX_DEPTH = 64;

  private static final ObjectMapper MAPPER =
      new ObjectMapper(
          JsonFactory.builder()
              .streamReadConstraints(
                  StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
              .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
              .build());

  private StrictJson() {}

  /**
   * Parses {@code text}; a syntax error, duplicate key or excessive nesting is an {@link
   * IllegalArgumentException} naming {@code what}, the problem and its position.
   */
  public static JsonNode parse(String text, String what) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where =
          at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new IllegalArgumentException(
          what + " is not valid JSON" + where + ": " + e.getOriginalMessage());
    }
  }

  /** The fields of an object node, or an error naming {@code what} when it is not an object. */
  public static Iterator<Map.Entry<String, JsonNode>> fields(JsonNode node, String what) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(what + " must be a JSON object, found " + describe(node));
    }
    return node.fields();
  }

  /** A short description of a node's type and value for error messages. */
  public static String describe(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    String text = node.toString();
    if (text.length() > 40) {
      text = text.substring(0, 40) + "...";
    }
    return node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT) + " " + text;
  }
}
