package dev.tuneforge.llm.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;

/**
 * Typed, range-checked reads of a {@code config.json} object, each error naming the field. Integers
 * are read exactly (a {@code vocab_size} of 2^32+300 is out of range, never 300 as Jackson's {@code
 * asInt()} would make it), strings and fractions are not integers, and every float must be finite.
 * A family's rules ({@code model/<family>}) read their own keys through this class.
 */
public final class ConfigJson {
  private final JsonNode root;
  private final String where;

  /**
   * @param where how errors name the object, e.g. {@code config.json} or {@code rope_scaling}
   */
  public ConfigJson(JsonNode root, String where) {
    this.root = root;
    this.where = where;
  }

  public JsonNode node() {
    return root;
  }

  public boolean has(String key) {
    return root.hasNonNull(key);
  }

  /** A nested object, or null when absent. */
  public ConfigJson object(String key) {
    JsonNode v = root.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isObject()) {
      throw new IllegalArgumentException(
          where + ": " + key + " must be an object, got " + brief(v));
    }
    return new ConfigJson(v, key);
  }

  /** A required integer in {@code [min, max]}. */
  public int requiredInt(String key, long min, long max) {
    if (!has(key)) {
      throw new IllegalArgumentException(where + " is missing " + key);
    }
    return intIn(key, root.get(key), min, max);
  }

  /** An optional integer in {@code [min, max]}, {@code fallback} when absent or null. */
  public int optionalInt(String key, long min, long max, int fallback) {
    return has(key) ? intIn(key, root.get(key), min, max) : fallback;
  }

  /** An optional integer in {@code [min, max]}, null when absent or null. */
  public Integer optionalInteger(String key, long min, long max) {
    return has(key) ? intIn(key, root.get(key), min, max) : null;
  }

  /** An integer element of a list or a single value; {@code key} names it in errors. */
  public int intIn(String key, JsonNode v, long min, long max) {
    if (!v.isIntegralNumber()) {
      throw new IllegalArgumentException(
          where + ": " + key + " must be an integer, got " + brief(v));
    }
    BigInteger b = v.bigIntegerValue(); // exact, whatever the size
    if (b.compareTo(BigInteger.valueOf(min)) < 0 || b.compareTo(BigInteger.valueOf(max)) > 0) {
      throw new IllegalArgumentException(
          where + ": " + key + " must be in [" + min + ", " + max + "], got " + b);
    }
    return b.intValueExact();
  }

  /** An optional finite number in the open-or-closed range given, {@code fallback} when absent. */
  public double positiveDouble(String key, double fallback, double max) {
    if (!has(key)) {
      return fallback;
    }
    return positive(key, root.get(key), max);
  }

  /** A required finite number in {@code (0, max]}. */
  public double requiredPositiveDouble(String key, double max) {
    if (!has(key)) {
      throw new IllegalArgumentException(where + " is missing " + key);
    }
    return positive(key, root.get(key), max);
  }

  private double positive(String key, JsonNode v, double max) {
    if (!v.isNumber()) {
      throw new IllegalArgumentException(where + ": " + key + " must be a number, got " + brief(v));
    }
    double d = v.doubleValue(); // Jackson reads NaN/Infinity only with a non-default feature; big
    // literals → ±Infinity
    if (!Double.isFinite(d) || d <= 0 || d > max) {
      throw new IllegalArgumentException(
          where + ": " + key + " must be a finite number in (0, " + max + "], got " + v.asText());
    }
    return d;
  }

  public boolean bool(String key, boolean fallback) {
    if (!has(key)) {
      return fallback;
    }
    JsonNode v = root.get(key);
    if (!v.isBoolean()) {
      throw new IllegalArgumentException(
          where + ": " + key + " must be true or false, got " + brief(v));
    }
    return v.booleanValue();
  }

  public String text(String key, String fallback) {
    if (!has(key)) {
      return fallback;
    }
    JsonNode v = root.get(key);
    if (!v.isTextual()) {
      throw new IllegalArgumentException(where + ": " + key + " must be a string, got " + brief(v));
    }
    return v.textValue();
  }

  /** A value as shown in an error: at most 40 characters of its JSON. */
  static String brief(JsonNode v) {
    String s = v.toString();
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }
}
