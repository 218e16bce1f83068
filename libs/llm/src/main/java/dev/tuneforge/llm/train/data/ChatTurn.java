package dev.tuneforge.llm.train.data;

/**
 * One message of a chat example. {@code weight} applies to assistant turns only, as in Axolotl's
 * chat datasets: 1 trains on the turn, 0 keeps it as context only; null means 1.
 */
public record ChatTurn(String role, String content, Integer weight) {

  public static final String ASSISTANT = "assistant";

  public ChatTurn {
    if (role == null || role.isBlank()) {
      throw new IllegalArgumentException("a chat message needs a role");
    }
    if (content == null) {
      throw new IllegalArgumentException("chat message with role " + role + " has no content");
    }
    if (weight != null && weight != 0 && weight != 1) {
      throw new IllegalArgumentException(
          "weight of a " + role + " message must be 0 or 1, got " + weight);
    }
    if (weight != null && !ASSISTANT.equals(role)) {
      throw new IllegalArgumentException(
          "weight is only meaningful on assistant messages, not " + role);
    }
  }

  public ChatTurn(String role, String content) {
    this(role, content, null);
  }

  public boolean isAssistant() {
    return ASSISTANT.equals(role);
  }

  /** Whether this turn's tokens are training targets (assistant with weight 1 or unset). */
  public boolean trained() {
    return isAssistant() && (weight == null || weight == 1);
  }
}
