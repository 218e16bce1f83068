package dev.tuneforge.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A plain-text table for people: a header row and left-aligned columns two spaces apart, the last
 * column unpadded; an absent value shows as {@code -}.
 */
public final class Table {
  private final List<String[]> rows = new ArrayList<>();
  private final int columns;

  public Table(String... headers) {
    this.columns = headers.length;
    rows.add(headers);
  }

  public Table row(Object... cells) {
    if (cells.length != columns) {
      throw new IllegalArgumentException(
          "a row of " + cells.length + " cells in a table of " + columns + " columns");
    }
    String[] r = new String[columns];
    for (int i = 0; i < columns; i++) {
      r[i] = text(cells[i]);
    }
    rows.add(r);
    return this;
  }

  public String render() {
    int[] width = new int[columns];
    for (String[] r : rows) {
      for (int i = 0; i < columns; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        line.append(i < columns - 1 ? pad(r[i], width[i] + 2) : r[i]);
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
    return sb.toString();
  }

  public void print(PrintWriter out) {
    out.print(render());
  }

  private static String pad(String s, int width) {
    return s + " ".repeat(Math.max(0, width - s.length()));
  }

  /** A cell's text: JSON values unquoted, null and missing as {@code -}, numbers kept short. */
  static String text(Object cell) {
    if (cell == null) {
      return "-";
    }
    if (cell instanceof JsonNode n) {
      if (n.isNull() || n.isMissingNode()) {
        return "-";
      }
      if (n.isFloatingPointNumber()) {
        return number(n.asDouble());
      }
      return n.isValueNode() ? n.asText() : n.toString();
    }
    if (cell instanceof Double d) {
      return number(d);
    }
    return cell.toString();
  }

  /** Four decimals at most, without trailing zeros: 0.5, 1.2346, 3. */
  public static String number(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    String s = String.format(Locale.ROOT, "%.4f", d);
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  /** Epoch seconds as UTC time ({@code 2026-12-01T05:03:27Z}), or {@code -}. */
  public static String time(JsonNode epochSeconds) {
    return epochSeconds == null || epochSeconds.isNull() || epochSeconds.isMissingNode()
        ? "-"
        : Instant.ofEpochSecond(epochSeconds.asLong()).toString();
  }

  /** A JSON value in a human cell: {@code -} when absent, text or number otherwise. */
  public static String value(JsonNode n) {
    return text(n);
  }
}
