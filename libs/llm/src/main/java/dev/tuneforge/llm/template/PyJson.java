package dev.tuneforge.llm.template;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Python's {@code json.dumps} as transformers' {@code tojson} filter calls it ({@code
 * ensure_ascii=False}, optional {@code indent}, {@code separators}, {@code sort_keys}). Jinjava's
 * own {@code tojson} writes {@code {"a":1}}; Python writes {@code {"a": 1}} — tool definitions
 * rendered into a prompt must match byte for byte, so the format is reproduced here.
 */
final class PyJson {

  private PyJson() {}

  static String dumps(
      Object value, String indent, String itemSeparator, String keySeparator, boolean sortKeys) {
    String items = itemSeparator != null ? itemSeparator : (indent == null ? ", " : ",");
    String keys = keySeparator != null ? keySeparator : ": ";
    StringBuilder out = new StringBuilder();
    write(out, value, indent, items, keys, sortKeys, 0);
    return out.toString();
  }

  private static void write(
      StringBuilder out,
      Object v,
      String indent,
      String items,
      String keys,
      boolean sortKeys,
      int level) {
    if (v == null) {
      out.append("null");
    } else if (v instanceof Boolean b) {
      out.append(b ? "true" : "false");
    } else if (v instanceof Double || v instanceof Float || v instanceof BigDecimal) {
      out.append(PyRepr.floatRepr(((Number) v).doubleValue()));
    } else if (v instanceof Number n) {
      out.append(n.toString());
    } else if (v instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        out.append("{}");
        return;
      }
      Map<?, ?> entries = sortKeys ? new TreeMap<>(stringKeys(map)) : map;
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : entries.entrySet()) {
        if (!first) {
          out.append(items);
        }
        first = false;
        newline(out, indent, level + 1);
        string(out, String.valueOf(e.getKey()));
        out.append(keys);
        write(out, e.getValue(), indent, items, keys, sortKeys, level + 1);
      }
      newline(out, indent, level);
      out.append('}');
    } else if (v instanceof Collection<?> || v instanceof Object[]) {
      List<?> list = v instanceof Object[] arr ? List.of(arr) : new ArrayList<>((Collection<?>) v);
      if (list.isEmpty()) {
        out.append("[]");
        return;
      }
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          out.append(items);
        }
        newline(out, indent, level + 1);
        write(out, list.get(i), indent, items, keys, sortKeys, level + 1);
      }
      newline(out, indent, level);
      out.append(']');
    } else {
      string(out, v.toString());
    }
  }

  private static Map<String, Object> stringKeys(Map<?, ?> map) {
    Map<String, Object> copy = new TreeMap<>();
    map.forEach((k, val) -> copy.put(String.valueOf(k), val));
    return copy;
  }

  private static void newline(StringBuilder out, String indent, int level) {
    if (indent != null) {
      out.append('\n').append(indent.repeat(level));
    }
  }

  private static void string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
