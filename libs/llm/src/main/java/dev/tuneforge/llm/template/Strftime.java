package dev.tuneforge.llm.template;

import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.Locale;

/**
 * Python's {@code datetime.strftime} in the C locale, for the {@code strftime_now} global that
 * transformers gives templates (Llama 3.x prints "Today Date: 26 Jul 2024" with it). Java's {@code
 * DateTimeFormatter} uses different directives, so the C directives are mapped one by one; an
 * unknown directive is copied through as glibc does.
 */
final class Strftime {

  private Strftime() {}

  static String format(ZonedDateTime t, String pattern) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c != '%' || i + 1 >= pattern.length()) {
        out.append(c);
        continue;
      }
      char d = pattern.charAt(++i);
      LocalDateTime l = t.toLocalDateTime();
      switch (d) {
        case 'a' -> out.append(l.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
        case 'A' -> out.append(l.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
        case 'b', 'h' -> out.append(l.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
        case 'B' -> out.append(l.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
        case 'd' -> pad(out, l.getDayOfMonth(), 2);
        case 'e' -> out.append(String.format(Locale.ROOT, "%2d", l.getDayOfMonth()));
        case 'm' -> pad(out, l.getMonthValue(), 2);
        case 'y' -> pad(out, l.getYear() % 100, 2);
        case 'Y' -> out.append(l.getYear());
        case 'H' -> pad(out, l.getHour(), 2);
        case 'I' -> pad(out, l.getHour() % 12 == 0 ? 12 : l.getHour() % 12, 2);
        case 'p' -> out.append(l.getHour() < 12 ? "AM" : "PM");
        case 'M' -> pad(out, l.getMinute(), 2);
        case 'S' -> pad(out, l.getSecond(), 2);
        case 'f' -> pad(out, l.getNano() / 1000, 6);
        case 'j' -> pad(out, l.getDayOfYear(), 3);
        case 'w' -> out.append(l.getDayOfWeek().getValue() % 7);
        case 'u' -> out.append(l.getDayOfWeek().getValue());
        case 'D' -> out.append(format(t, "%m/%d/%y"));
        case 'F' -> out.append(format(t, "%Y-%m-%d"));
        case 'T' -> out.append(format(t, "%H:%M:%S"));
        case 'R' -> out.append(format(t, "%H:%M"));
        case 'c' -> out.append(format(t, "%a %b %e %H:%M:%S %Y"));
        case 'x' -> out.append(format(t, "%m/%d/%y"));
        case 'X' -> out.append(format(t, "%H:%M:%S"));
        case 'z', 'Z' -> {} // datetime.now() is naive in transformers: both print nothing
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case '%' -> out.append('%');
        default -> out.append('%').append(d);
      }
    }
    return out.toString();
  }

  private static void pad(StringBuilder out, int value, int width) {
    String s = Integer.toString(value);
    out.append("0".repeat(Math.max(0, width - s.length()))).append(s);
  }
}
