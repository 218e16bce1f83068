package dev.tuneforge.evaluator.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.llm.eval.RetentionCorpus;
import dev.tuneforge.llm.template.ChatMessage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The validation split and retention corpus readers: the reference turn, and bad lines named. */
class InputFilesTest {
  @TempDir Path dir;

  @Test
  void theLastAssistantTurnIsTheReferenceAndWhatPrecedesItThePrompt() {
    List<ValidationRecord> rs =
        ValidationSplit.parse(
            "val.jsonl",
            """
        {"messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "q1"},
        {"role": "assistant", "content": "a1"}, {"role": "user", "content": "q2"},
        {"role": "assistant", "content": "a2"}]}

        {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}
        """
                .replace(",\n{", ", {"));
    assertEquals(2, rs.size());
    ValidationRecord first = rs.get(0);
    assertEquals("a2", first.reference());
    assertEquals(
        List.of(
            new ChatMessage("system", "s"),
            new ChatMessage("user", "q1"),
            new ChatMessage("assistant", "a1"),
            new ChatMessage("user", "q2")),
        first.prompt());
    assertEquals(5, first.chat().messages().size(), "the loss scores the whole chat");
    assertEquals(3, rs.get(1).line(), "lines count from 1, blank lines included");
  }

  @Test
  void badValidationLinesAreNamed() {
    assertMessage(
        "val.jsonl line 2: not valid JSON",
        () ->
            ValidationSplit.parse(
                "val.jsonl",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}, {\"role\": \"assistant\", \"content\": \"a\"}]}\n{oops"));
    assertMessage(
        "val.jsonl line 1: 'messages' has no assistant turn",
        () ->
            ValidationSplit.parse(
                "val.jsonl", "{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}]}"));
    assertMessage(
        "val.jsonl line 1: a validation record must be a chat",
        () -> ValidationSplit.parse("val.jsonl", "{\"text\": \"plain\"}"));
    assertMessage(
        "val.jsonl line 1: 'messages[1].content' is missing",
        () ->
            ValidationSplit.parse(
                "val.jsonl",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}, {\"role\": \"assistant\"}]}"));
  }

  @Test
  void retentionCorpusTravelsInTheModelFolder() {
    assertTrue(RetentionCorpus.forBaseModel(dir).isEmpty());
    RetentionCorpus.write(dir, List.of("One plus two is three.", "4 + 5 = 9"));
    assertEquals(
        List.of("One plus two is three.", "4 + 5 = 9"),
        RetentionCorpus.forBaseModel(dir).orElseThrow().texts());
    assertMessage(
        "r.jsonl line 2: 'text' must be a non-empty string",
        () -> RetentionCorpus.parse("r.jsonl", "{\"text\": \"ok\"}\n{\"txt\": \"no\"}"));
    assertMessage(
        "r.jsonl: a retention corpus needs at least one text",
        () -> RetentionCorpus.parse("r.jsonl", "\n"));
  }

  private static void assertMessage(String prefix, Runnable r) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
  }
}
