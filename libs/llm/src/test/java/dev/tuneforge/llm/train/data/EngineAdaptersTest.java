package dev.tuneforge.llm.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.llm.template.ChatTemplate;
import dev.tuneforge.llm.tokenizer.Tokenizer;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Chat labels with the engine's real BPE tokenizer and ChatML template (test fixture bpe-chatml).
 */
class EngineAdaptersTest {

  @Test
  void assistantSpansWithARealTokenizerAndTemplate() throws URISyntaxException {
    Path dir =
        Path.of(getClass().getResource("/tokenizers/bpe-chatml/tokenizer.json").toURI())
            .getParent();
    try (Tokenizer tokenizer = Tokenizer.load(dir)) {
      ChatTemplate template = ChatTemplate.load(dir);
      ExampleTokenizer tok =
          new ExampleTokenizer(
              EngineAdapters.encoder(tokenizer),
              EngineAdapters.renderer(template),
              new TokenizationConfig(512, false, -1));
      List<ChatTurn> turns =
          List.of(
              new ChatTurn("system", "You are terse."),
              new ChatTurn("user", "What is the capital of France?"),
              new ChatTurn("assistant", "Paris."),
              new ChatTurn("user", "And of Italy?"),
              new ChatTurn("assistant", "Rome."));
      TokenizedExample e = tok.tokenize(new Example.Chat(turns));

      String full = EngineAdapters.renderer(template).render(turns, false);
      // the segment-wise tokenization equals tokenizing the whole render at once here,
      // because every segment boundary falls on a special token
      assertArrayEquals(tokenizer.encode(full, false), e.inputIds());

      List<String> spans = new ArrayList<>();
      List<Integer> run = new ArrayList<>();
      for (int i = 0; i <= e.length(); i++) {
        if (i < e.length() && e.labels()[i] != TokenizedExample.IGNORE) {
          assertEquals(e.inputIds()[i], e.labels()[i]);
          run.add(e.labels()[i]);
        } else if (!run.isEmpty()) {
          spans.add(tokenizer.decode(run.stream().mapToInt(Integer::intValue).toArray(), false));
          run.clear();
        }
      }
      assertEquals(List.of("Paris.<|im_end|>\n", "Rome.<|im_end|>\n"), spans);
      assertTrue(tokenizer.decode(e.inputIds(), false).startsWith("<|im_start|>system"));
    }
  }
}
