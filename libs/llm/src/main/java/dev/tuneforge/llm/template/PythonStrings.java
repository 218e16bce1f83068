package dev.tuneforge.llm.template;

import java.util.ArrayList;
import java.util.List;

/**
 * Python {@code str} semantics that chat templates rely on ({@code strip}, {@code split}, ...).
 *
 * <p>Templates are written against Python strings, whose notion of whitespace ({@code str.isspace})
 * differs from Java's {@link Character#isWhitespace} (Python counts U+00A0, U+2007, U+202F and
 * U+001C..U+001F; Java's {@code String.strip} does not strip the no-break spaces), so every method
 * is reimplemented here on the Python definition instead of delegating to {@code java.lang.String}.
 */
final class PythonStrings {

  private PythonStrings() {}

  /** Python's {@code str.isspace()} for one code point. */
  static boolean isSpace(int cp) {
    switch (cp) {
      case '\t',
          '\n',
          0x0B,
          0x0C,
          '\r',
          0x1C,
          0x1D,
          0x1E,
          0x1F,
          ' ',
          0x85,
          0xA0,
          0x1680,
          0x2028,
          0x2029,
          0x202F,
          0x205F,
          0x3000 -> {
        return true;
      }
      default -> {
        return cp >= 0x2000 && cp <= 0x200A;
      }
    }
  }

  static String strip(String s, String chars) {
    return rstrip(lstrip(s, chars), chars);
  }

  static String lstrip(String s, String chars) {
    int i = 0;
    while (i < s.length()) {
      int cp = s.codePointAt(i);
      if (!stripped(cp, chars)) {
        break;
      }
      i += Character.charCount(cp);
    }
    return s.substring(i);
  }

  static String rstrip(String s, String chars) {
    int end = s.length();
    while (end > 0) {
      int cp = s.codePointBefore(end);
      if (!stripped(cp, chars)) {
        break;
      }
      end -= Character.charCount(cp);
    }
    return s.substring(0, end);
  }

  private static boolean stripped(int cp, String chars) {
    return chars == null ? isSpace(cp) : chars.indexOf(new String(Character.toChars(cp))) >= 0;
  }

  /** {@code str.split(sep, maxsplit)}; {@code sep == null} splits on runs of whitespace. */
  static List<String> split(String s, String sep, int maxsplit) {
    List<String> parts = new ArrayList<>();
    if (sep == null) {
      int i = 0;
      int n = s.length();
      while (true) {
        while (i < n && isSpace(s.codePointAt(i))) {
          i += Character.charCount(s.codePointAt(i));
        }
        if (i >= n) {
          break;
        }
        if (maxsplit >= 0 && parts.size() == maxsplit) {
          parts.add(rstrip(s.substring(i), null));
          break;
        }
        int start = i;
        while (i < n && !isSpace(s.codePointAt(i))) {
          i += Character.charCount(s.codePointAt(i));
        }
        parts.add(s.substring(start, i));
      }
      return parts;
    }
    if (sep.isEmpty()) {
      throw new IllegalArgumentException("empty separator");
    }
    int start = 0;
    while (maxsplit < 0 || parts.size() < maxsplit) {
      int at = s.indexOf(sep, start);
      if (at < 0) {
        break;
      }
      parts.add(s.substring(start, at));
      start = at + sep.length();
    }
    parts.add(s.substring(start));
    return parts;
  }

  /** {@code str.rsplit(sep, maxsplit)} for an explicit separator (whitespace rsplit via split). */
  static List<String> rsplit(String s, String sep, int maxsplit) {
    if (sep == null || maxsplit < 0) {
      return split(s, sep, maxsplit);
    }
    List<String> parts = new ArrayList<>();
    int end = s.length();
    while (parts.size() < maxsplit) {
      int at = s.lastIndexOf(sep, end - sep.length());
      if (at < 0) {
        break;
      }
      parts.add(0, s.substring(at + sep.length(), end));
      end = at;
    }
    parts.add(0, s.substring(0, end));
    return parts;
  }

  static String capitalize(String s) {
    if (s.isEmpty()) {
      return s;
    }
    int first = s.codePointAt(0);
    return new String(Character.toChars(Character.toTitleCase(first)))
        + s.substring(Character.charCount(first)).toLowerCase(java.util.Locale.ROOT);
  }

  static String title(String s) {
    StringBuilder out = new StringBuilder(s.length());
    boolean previousCased = false;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      boolean cased = Character.isLetter(cp);
      out.appendCodePoint(
          cased ? (previousCased ? Character.toLowerCase(cp) : Character.toTitleCase(cp)) : cp);
      previousCased = cased;
      i += Character.charCount(cp);
    }
    return out.toString();
  }
}
