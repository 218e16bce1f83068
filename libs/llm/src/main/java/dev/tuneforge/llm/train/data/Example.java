package dev.tuneforge.llm.train.data;

import java.util.List;

/** One training example in one of the three dataset shapes TuneForge accepts. */
public sealed interface Example permits Example.Text, Example.PromptCompletion, Example.Chat {

  /** Plain text: every token is a target (continued pre-training style). */
  record Text(String text) implements Example {
    public Text {
      if (text == null) {
        throw new IllegalArgumentException("text example has no text");
      }
    }
  }

  /** A prompt and its completion: only completion tokens are targets unless train_on_inputs. */
  record PromptCompletion(String prompt, String completion) implements Example {
    public PromptCompletion {
      if (prompt == null || completion == null) {
        throw new IllegalArgumentException("prompt/completion example needs both fields");
      }
    }
  }

  /** A conversation rendered with the model's chat template: assistant turns are targets. */
  record Chat(List<ChatTurn> messages) implements Example {
    public Chat {
      messages = List.copyOf(messages);
      if (messages.isEmpty()) {
        throw new IllegalArgumentException("chat example has no messages");
      }
    }
  }
}
