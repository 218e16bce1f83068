package dev.tuneforge.llm.template;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.Map;

/**
 * Python's {@code str()} of template values, for {@code {{ value }}}: Jinja2 prints {@code
 * True}/{@code False}, {@code 1.0}, {@code ['a', 'b']} and {@code {'k': 'v'}} where Java would
 * print {@code true}, {@code 1.0}, {@code [a, b]} and {@code {k=v}}.
 */
final class PyRepr {

  private PyRepr() {}

  /** {@code str(value)}; null prints as the empty string (Jinja2's Undefined, Jinjava's null). */
  static String str(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof String s) {
      return s;
    }
    return repr(value);
  }

  static String repr(Object value) {
    if (value == null) {
      return "None";
    }
    if (value instanceof Boolean b) {
      return b ? "True" : "False";
    }
    if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
      return floatRepr(((Number) value).doubleValue());
    }
    if (value instanceof Number) {
      return value.toString();
    }
    if (value instanceof CharSequence s) {
      return quote(s.toString());
    }
    if (value instanceof Map<?, ?> map) {
      StringBuilder out = new StringBuilder("{");
      map.forEach(
          (k, v) -> {
            if (out.length() > 1) {
              out.append(", ");
            }
            out.append(repr(k)).append(": ").append(repr(v));
          });
      return out.append('}').toString();
    }
    if (value instanceof Collection<?> list) {
      StringBuilder out = new StringBuilder("[");
      for (Object item : list) {
        if (out.length() > 1) {
          out.append(", ");
        }
        out.append(repr(item));
      }
      return out.append(']').toString();
    }
    return value.toString();
  }

  /** Python float repr: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
  static String floatRepr(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    if (d == 0) {
      return (1 / d < 0) ? "-0.0" : "0.0";
    }
    BigDecimal exact = new BigDecimal(Double.toString(d)).stripTrailingZeros();
    int exponent = exact.precision() - exact.scale() - 1;
    if (exponent < -4 || exponent >= 16) {
      String digits = exact.unscaledValue().abs().toString();
      String mantissa =
          digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      return (d < 0 ? "-" : "")
          + mantissa
          + "e"
          + (exponent < 0 ? "-" : "+")
          + String.format("%02d", Math.abs(exponent));
    }
    String plain = exact.toPlainString();
    return plain.contains(".") ? plain : plain + ".0";
  }

  private static String quote(String s) {
    boolean useDouble = s.contains("'") && !s.contains("\"");
    char q = useDouble ? '"' : '\'';
    StringBuilder out = new StringBuilder().append(q);
    for (char c : s.toCharArray()) {
      if (c == q || c == '\\') {
        out.append('\\').append(c);
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\t') {
        out.append("\\t");
      } else {
        out.append(c);
      }
    }
    return out.append(q).toString();
  }
}
