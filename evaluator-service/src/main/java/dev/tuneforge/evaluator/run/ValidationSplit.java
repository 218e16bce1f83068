package dev.tuneforge.evaluator.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.llm.template.ChatMessage;
import dev.tuneforge.llm.train.data.ChatTurn;
import dev.tuneforge.llm.train.data.Example;
import dev.tuneforge.llm.train.data.ExampleJson;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a run's validation split: JSONL chat records ({@code messages}, as the trainer reads them),
 * each ending its last assistant turn the reference. A record without an assistant turn, or any
 * other bad line, is an error naming the source and line.
 */
public final class ValidationSplit {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ValidationSplit() {}

  public static List<ValidationRecord> parse(String source, String jsonl) {
    List<ValidationRecord> out = new ArrayList<>();
    String[] lines = jsonl.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty()) {
        continue;
      }
      String at = source + " line " + (i + 1);
      Example example;
      try {
        example = ExampleJson.parse(JSON.readTree(line));
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(at + ": not valid JSON: " + e.getOriginalMessage());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
      }
      if (!(example instanceof Example.Chat chat)) {
        throw new IllegalArgumentException(
            at + ": a validation record must be a chat ('messages')");
      }
      List<ChatTurn> turns = chat.messages();
      int last = turns.size() - 1;
      while (last >= 0 && !turns.get(last).isAssistant()) {
        last--;
      }
      if (last < 0) {
        throw new IllegalArgumentException(
            at + ": 'messages' has no assistant turn to use as the reference");
      }
      if (last == 0) {
        throw new IllegalArgumentException(
            at + ": 'messages' has nothing before its assistant turn to prompt with");
      }
      List<ChatMessage> prompt =
          turns.subList(0, last).stream().map(t -> new ChatMessage(t.role(), t.content())).toList();
      out.add(new ValidationRecord(i + 1, chat, prompt, turns.get(last).content()));
    }
    return out;
  }
}
