package dev.tuneforge.llm.template;

/**
 * Rewrites the Python-only parts of a Jinja2 expression into forms Jinjava evaluates the same way.
 *
 * <ul>
 *   <li>String literals: Python escapes ({@code \u00e9}, {@code \x41}, {@code \U0001F600}, octal,
 *       line continuation) are decoded, and the literal is re-written with only the escapes Jinjava
 *       understands ({@code \\} and the quote).
 *   <li>Slices with a step ({@code messages[::-1]}, used by Qwen3's template) become {@code
 *       (messages|__pyslice(none, none, -1))}; Jinjava parses only {@code [a:b]}.
 * </ul>
 */
final class PyExpressions {

  private PyExpressions() {}

  static String rewrite(String expr) {
    StringBuilder out = new StringBuilder(expr.length() + 16);
    int i = 0;
    while (i < expr.length()) {
      char c = expr.charAt(i);
      if (c == '\'' || c == '"') {
        int end = endOfString(expr, i);
        out.append(requote(decode(expr.substring(i + 1, end - 1))));
        i = end;
      } else if (c == '[') {
        int close = matching(expr, i);
        String[] parts = close < 0 ? null : topLevelColonParts(expr.substring(i + 1, close));
        if (parts != null && parts.length == 3) {
          int start = primaryStart(out);
          out.insert(start, '(');
          out.append("|__pyslice(")
              .append(part(parts[0]))
              .append(", ")
              .append(part(parts[1]))
              .append(", ")
              .append(part(parts[2]))
              .append("))");
          i = close + 1;
        } else {
          out.append(c);
          i++;
        }
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static String part(String p) {
    return p.isBlank() ? "none" : rewrite(p.strip());
  }

  /** Index just past the closing quote of the literal opening at {@code open}. */
  static int endOfString(String s, int open) {
    char quote = s.charAt(open);
    int i = open + 1;
    while (i < s.length() && s.charAt(i) != quote) {
      i += s.charAt(i) == '\\' ? 2 : 1;
    }
    return Math.min(i + 1, s.length());
  }

  private static int matching(String s, int open) {
    int depth = 0;
    for (int i = open; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\'' || c == '"') {
        i = endOfString(s, i) - 1;
      } else if (c == '[' || c == '(' || c == '{') {
        depth++;
      } else if (c == ']' || c == ')' || c == '}') {
        if (--depth == 0) {
          return i;
        }
      }
    }
    return -1;
  }

  /** The parts of {@code a:b:c} split at colons outside nested brackets and strings. */
  private static String[] topLevelColonParts(String inner) {
    java.util.List<String> parts = new java.util.ArrayList<>();
    int depth = 0;
    int from = 0;
    for (int i = 0; i < inner.length(); i++) {
      char c = inner.charAt(i);
      if (c == '\'' || c == '"') {
        i = endOfString(inner, i) - 1;
      } else if (c == '[' || c == '(' || c == '{') {
        depth++;
      } else if (c == ']' || c == ')' || c == '}') {
        depth--;
      } else if (c == ':' && depth == 0) {
        parts.add(inner.substring(from, i));
        from = i + 1;
      }
    }
    parts.add(inner.substring(from));
    return parts.toArray(new String[0]);
  }

  /** Start of the primary expression (name, call, subscript or literal chain) ending the buffer. */
  private static int primaryStart(StringBuilder out) {
    int k = out.length();
    while (k > 0 && out.charAt(k - 1) == ' ') {
      k--;
    }
    while (k > 0) {
      char c = out.charAt(k - 1);
      if (c == ')' || c == ']' || c == '}') {
        k = openerBefore(out, k - 1);
        if (c == ')' && !(k > 0 && continuesChain(out.charAt(k - 1)))) {
          return k; // a parenthesised group
        }
      } else if (c == '\'' || c == '"') {
        k = stringStartBefore(out, k - 1);
        return k;
      } else if (Character.isLetterOrDigit(c) || c == '_') {
        while (k > 0
            && (Character.isLetterOrDigit(out.charAt(k - 1)) || out.charAt(k - 1) == '_')) {
          k--;
        }
        if (k > 0 && out.charAt(k - 1) == '.') {
          k--;
        } else {
          return k;
        }
      } else {
        return k;
      }
    }
    return k;
  }

  private static boolean continuesChain(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == ']' || c == ')';
  }

  private static int openerBefore(StringBuilder s, int close) {
    int depth = 0;
    for (int i = close; i >= 0; i--) {
      char c = s.charAt(i);
      if ((c == '\'' || c == '"') && !escaped(s, i)) {
        i = stringStartBefore(s, i);
      } else if (c == ')' || c == ']' || c == '}') {
        depth++;
      } else if (c == '(' || c == '[' || c == '{') {
        if (--depth == 0) {
          return i;
        }
      }
    }
    return 0;
  }

  private static int stringStartBefore(StringBuilder s, int closingQuote) {
    char quote = s.charAt(closingQuote);
    for (int i = closingQuote - 1; i >= 0; i--) {
      if (s.charAt(i) == quote && !escaped(s, i)) {
        return i;
      }
    }
    return 0;
  }

  private static boolean escaped(StringBuilder s, int at) {
    int backslashes = 0;
    for (int i = at - 1; i >= 0 && s.charAt(i) == '\\'; i--) {
      backslashes++;
    }
    return backslashes % 2 == 1;
  }

  /** Python string-literal escapes to characters. */
  static String decode(String body) {
    StringBuilder out = new StringBuilder(body.length());
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c != '\\' || i + 1 >= body.length()) {
        out.append(c);
        continue;
      }
      char e = body.charAt(++i);
      switch (e) {
        case '\n' -> {} // line continuation
        case '\\', '\'', '"' -> out.append(e);
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case 'r' -> out.append('\r');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'v' -> out.append('\u000b');
        case 'a' -> out.append('\u0007');
        case 'x', 'u', 'U' -> {
          int len = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          if (i + len < body.length() + 0 && isHex(body, i + 1, len)) {
            out.appendCodePoint(Integer.parseInt(body.substring(i + 1, i + 1 + len), 16));
            i += len;
          } else {
            out.append('\\').append(e);
          }
        }
        default -> {
          if (e >= '0' && e <= '7') {
            int end = i;
            while (end < body.length()
                && end < i + 3
                && body.charAt(end) >= '0'
                && body.charAt(end) <= '7') {
              end++;
            }
            out.appendCodePoint(Integer.parseInt(body.substring(i, end), 8));
            i = end - 1;
          } else {
            out.append('\\').append(e);
          }
        }
      }
    }
    return out.toString();
  }

  private static boolean isHex(String s, int from, int len) {
    if (from + len > s.length()) {
      return false;
    }
    for (int i = from; i < from + len; i++) {
      if (Character.digit(s.charAt(i), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  /** A literal for Jinjava: only backslash and the quote are escaped. */
  private static String requote(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
