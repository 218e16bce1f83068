package dev.tuneforge.cli.client;

/** A {@code KEY=VALUE} option's value as JSON would carry it: number, boolean or text. */
public final class Values {
  private Values() {}

  public static Object typed(String v) {
    String s = v.strip();
    if (s.equals("true") || s.equals("false")) {
      return Boolean.parseBoolean(s);
    }
    if (s.equals("null")) {
      return null;
    }
    if (s.matches("-?\\d{1,18}")) {
      return Long.parseLong(s);
    }
    if (s.matches("-?(\\d+\\.\\d*|\\.\\d+|\\d+)([eE][-+]?\\d+)?")) {
      return Double.parseDouble(s);
    }
    return v;
  }
}
