package dev.tuneforge.evaluator.run;

import dev.tuneforge.llm.template.ChatMessage;
import dev.tuneforge.llm.train.data.Example;
import java.util.List;

/**
 * One chat of a validation split.
 *
 * @param line 1-based line in the JSONL file
 * @param chat the whole chat, scored for the validation loss (every assistant turn a target)
 * @param prompt the turns before the last assistant turn: what the model completes
 * @param reference the last assistant turn: what exact match, F1 and ROUGE-L compare with
 */
public record ValidationRecord(
    int line, Example.Chat chat, List<ChatMessage> prompt, String reference) {
  public ValidationRecord {
    prompt = List.copyOf(prompt);
  }
}
