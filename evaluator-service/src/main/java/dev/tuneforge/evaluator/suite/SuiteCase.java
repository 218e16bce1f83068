package dev.tuneforge.evaluator.suite;

import dev.tuneforge.llm.template.ChatMessage;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One case of a regression suite: the chat sent to the model ({@code prompt} becomes one user
 * message), what the output must satisfy, and free-form tags.
 */
public record SuiteCase(
    String id, List<ChatMessage> messages, Expectation expect, List<String> tags) {
  public SuiteCase {
    messages = List.copyOf(messages);
    tags = List.copyOf(tags);
  }

  /** Grades an output of this case's prompt. */
  public Grade grade(String output) {
    return expect.grade(output);
  }

  /**
   * The prompt as the per-case table shows it: the text alone for one user turn, else role-tagged
   * turns.
   */
  public String input() {
    return display(messages);
  }

  /**
   * A chat as one text: the content alone for a single user turn, else {@code role: content} lines.
   */
  public static String display(List<ChatMessage> messages) {
    if (messages.size() == 1 && messages.get(0).role().equals("user")) {
      return messages.get(0).content();
    }
    return messages.stream()
        .map(m -> m.role() + ": " + m.content())
        .collect(Collectors.joining("\n"));
  }
}
