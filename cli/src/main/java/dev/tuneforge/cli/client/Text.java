package dev.tuneforge.cli.client;

import com.fasterxml.jackson.databind.JsonNode;

/** Small text helpers shared by the human output of several commands. */
public final class Text {
  private Text() {}

  /** {@code s} on one line, cut to {@code max} characters with an ellipsis. */
  public static String oneLine(String s, int max) {
    String t = s.replaceAll("\\s*\\R\\s*", " ⏎ ").strip();
    return t.length() > max ? t.substring(0, max - 1) + "…" : t;
  }

  /** A gate reason object ({@code condition}, {@code case_id}, {@code message}) as one line. */
  public static String reason(JsonNode r) {
    String where = r.hasNonNull("case_id") ? " [" + r.get("case_id").asText() + "]" : "";
    return r.path("condition").asText("?") + where + ": " + r.path("message").asText(r.toString());
  }
}
