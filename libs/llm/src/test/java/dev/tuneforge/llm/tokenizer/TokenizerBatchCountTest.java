package dev.tuneforge.llm.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The batch count (one native call, parallel) equals encoding each text alone. */
class TokenizerBatchCountTest {

  @ParameterizedTest
  @ValueSource(strings = {"bpe-chatml", "bpe-llama"})
  void batchCountsEqualSingleEncodings(String name) {
    try (Tokenizer t = Tokenizer.load(Path.of("src/test/resources/tokenizers").resolve(name))) {
      List<String> texts =
          new ArrayList<>(
              List.of("", "Hello world", "naïve café ☕ 東京", "<|im_start|>user\nhi<|im_end|>"));
      for (int i = 0; i < 700; i++) {
        texts.add("record " + i + " " + "abc ".repeat(i % 37));
      }
      for (boolean special : new boolean[] {false, true}) {
        int[] expected = texts.stream().mapToInt(s -> t.encode(s, special).length).toArray();
        assertArrayEquals(expected, t.countTokens(texts, special));
      }
    }
  }
}
