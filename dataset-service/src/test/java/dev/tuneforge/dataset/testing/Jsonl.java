package dev.tuneforge.dataset.testing;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Builds small JSONL inputs for tests. */
public final class Jsonl {

  private Jsonl() {}

  /** The lines joined, each followed by a newline. */
  public static InputStream lines(String... lines) {
    StringBuilder sb = new StringBuilder();
    for (String line : lines) {
      sb.append(line).append('\n');
    }
    return bytes(sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  public static InputStream bytes(byte[] bytes) {
    return new ByteArrayInputStream(bytes);
  }

  public static String chat(String user, String assistant) {
    return "{\"messages\":[{\"role\":\"user\",\"content\":"
        + quote(user)
        + "},{\"role\":\"assistant\",\"content\":"
        + quote(assistant)
        + "}]}";
  }

  public static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        default -> sb.append(c);
      }
    }
    return sb.append('"').toString();
  }
}
