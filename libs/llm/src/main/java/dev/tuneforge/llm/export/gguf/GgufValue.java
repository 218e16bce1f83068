package dev.tuneforge.llm.export.gguf;

import java.util.List;
import java.util.Objects;

/**
 * One typed GGUF metadata value. Integers of every width are held as {@code Long} (a uint64 above
 * {@code Long.MAX_VALUE} wraps, as in Java's unsigned helpers), FLOAT32 as {@code Float}, FLOAT64
 * as {@code Double}, BOOL as {@code Boolean}, STRING as {@code String}; an ARRAY holds a {@code
 * List} of its elements in the same representation ({@code GgufValue} for nested arrays).
 *
 * @param type the value's type tag
 * @param value the value, as above
 * @param elementType for an ARRAY the type of its elements, else null
 */
public record GgufValue(GgufValueType type, Object value, GgufValueType elementType) {

  public GgufValue {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(value, "value");
    if (type == GgufValueType.ARRAY) {
      Objects.requireNonNull(elementType, "elementType of an array");
      List<?> list = (List<?>) value;
      for (Object e : list) {
        check(elementType, e);
      }
      value = List.copyOf(list);
    } else {
      check(type, value);
      if (elementType != null) {
        throw new IllegalArgumentException("only arrays have an element type");
      }
    }
  }

  private static void check(GgufValueType t, Object v) {
    boolean ok =
        switch (t) {
          case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> v instanceof Long;
          case FLOAT32 -> v instanceof Float;
          case FLOAT64 -> v instanceof Double;
          case BOOL -> v instanceof Boolean;
          case STRING -> v instanceof String;
          case ARRAY -> v instanceof GgufValue g && g.type == GgufValueType.ARRAY;
        };
    if (!ok) {
      throw new IllegalArgumentException(
          "a " + t + " value cannot be " + v + " (" + v.getClass().getSimpleName() + ")");
    }
  }

  public static GgufValue uint32(long v) {
    if (v < 0 || v > 0xffffffffL) {
      throw new IllegalArgumentException("uint32 out of range: " + v);
    }
    return new GgufValue(GgufValueType.UINT32, v, null);
  }

  public static GgufValue int32(long v) {
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("int32 out of range: " + v);
    }
    return new GgufValue(GgufValueType.INT32, v, null);
  }

  public static GgufValue uint64(long v) {
    return new GgufValue(GgufValueType.UINT64, v, null);
  }

  public static GgufValue float32(double v) {
    return new GgufValue(GgufValueType.FLOAT32, (float) v, null);
  }

  public static GgufValue bool(boolean v) {
    return new GgufValue(GgufValueType.BOOL, v, null);
  }

  public static GgufValue string(String v) {
    return new GgufValue(GgufValueType.STRING, v, null);
  }

  public static GgufValue strings(List<String> v) {
    return new GgufValue(GgufValueType.ARRAY, v, GgufValueType.STRING);
  }

  public static GgufValue int32s(int[] v) {
    return new GgufValue(
        GgufValueType.ARRAY,
        java.util.Arrays.stream(v).mapToObj(i -> (Object) (long) i).toList(),
        GgufValueType.INT32);
  }

  public static GgufValue float32s(float[] v) {
    Object[] boxed = new Object[v.length];
    for (int i = 0; i < v.length; i++) {
      boxed[i] = v[i];
    }
    return new GgufValue(GgufValueType.ARRAY, List.of(boxed), GgufValueType.FLOAT32);
  }

  /** The value as a long; for any integer type. */
  public long asLong() {
    if (!type.integral()) {
      throw new IllegalStateException("not an integer: " + type);
    }
    return (Long) value;
  }

  public String asString() {
    if (type != GgufValueType.STRING) {
      throw new IllegalStateException("not a string: " + type);
    }
    return (String) value;
  }

  /** Array elements (in the representation described on the class). */
  public List<?> asList() {
    if (type != GgufValueType.ARRAY) {
      throw new IllegalStateException("not an array: " + type);
    }
    return (List<?>) value;
  }

  @Override
  public String toString() {
    if (type == GgufValueType.ARRAY) {
      List<?> l = asList();
      return elementType + "[" + l.size() + "]" + (l.size() <= 8 ? l : l.subList(0, 8) + "…");
    }
    return type + " " + value;
  }
}
