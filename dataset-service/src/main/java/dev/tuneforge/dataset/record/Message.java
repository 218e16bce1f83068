package dev.tuneforge.dataset.record;

import java.util.Objects;

/**
 * One chat turn after normalisation: every input format becomes a list of these.
 *
 * @param role {@code system}, {@code user} or {@code assistant}
 * @param content the turn's text, never blank
 * @param weight OpenAI's per-turn loss weight, 0 or 1, only on assistant turns; {@code null} when
 *     absent
 */
public record Message(String role, String content, Integer weight) {

  public static final String SYSTEM = "system";
  public static final String USER = "user";
  public static final String ASSISTANT = "assistant";

  public Message {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(content, "content");
  }

  public static Message of(String role, String content) {
    return new Message(role, content, null);
  }

  /** The same turn with other text (PII redaction), keeping role and weight. */
  public Message withContent(String newContent) {
    return new Message(role, newContent, weight);
  }
}
