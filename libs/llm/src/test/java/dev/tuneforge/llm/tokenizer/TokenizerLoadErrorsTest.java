package dev.tuneforge.llm.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad model directories fail at load time with the file and field in the message. */
class TokenizerLoadErrorsTest {

  @TempDir Path dir;

  private void copyTokenizerJson() throws IOException {
    Files.copy(
        TokenizerConformanceTest.dir("bpe-llama").resolve("tokenizer.json"),
        dir.resolve("tokenizer.json"));
  }

  @Test
  void missingTokenizerJsonNamesTheFile() {
    TokenizerException e = assertThrows(TokenizerException.class, () -> Tokenizer.load(dir));
    assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());
    assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
  }

  @Test
  void malformedTokenizerConfigNamesTheFile() throws IOException {
    copyTokenizerJson();
    Files.writeString(dir.resolve("tokenizer_config.json"), "{\"bos_token\": \"<s>\",");
    TokenizerException e = assertThrows(TokenizerException.class, () -> Tokenizer.load(dir));
    assertTrue(
        e.getMessage().contains(dir.resolve("tokenizer_config.json").toString()), e.getMessage());
    assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
  }

  @Test
  void specialTokenOfWrongTypeNamesTheField() throws IOException {
    copyTokenizerJson();
    Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": 2}");
    TokenizerException e = assertThrows(TokenizerException.class, () -> Tokenizer.load(dir));
    assertTrue(e.getMessage().contains("\"eos_token\""), e.getMessage());
    assertTrue(e.getMessage().contains("tokenizer_config.json"), e.getMessage());
  }

  @Test
  void eosTokenMissingFromVocabularyIsRejected() throws IOException {
    copyTokenizerJson();
    Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"<|eot|>\"}");
    TokenizerException e = assertThrows(TokenizerException.class, () -> Tokenizer.load(dir));
    assertTrue(
        e.getMessage().contains("\"eos_token\"") && e.getMessage().contains("<|eot|>"),
        e.getMessage());
  }

  @Test
  void malformedTokenizerJsonNamesTheFile() throws IOException {
    Files.writeString(dir.resolve("tokenizer.json"), "not json");
    TokenizerException e = assertThrows(TokenizerException.class, () -> Tokenizer.load(dir));
    assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());
  }

  @Test
  void withoutTokenizerConfigThereAreNoSpecialTokens() throws IOException {
    copyTokenizerJson();
    try (Tokenizer tokenizer = Tokenizer.load(dir)) {
      assertEquals(null, tokenizer.bosToken());
      assertEquals(OptionalInt.empty(), tokenizer.bosId());
      assertArrayEquals(new int[0], tokenizer.eosIds());
      assertEquals(OptionalLong.empty(), tokenizer.modelMaxLength());
      // the post-processor of tokenizer.json still adds <s> (id 1), as transformers does
      assertEquals(1, tokenizer.encode("Hi")[0]);
    }
  }

  @Test
  void specialTokensMapIsTheFallbackForMissingFields() throws IOException {
    copyTokenizerJson();
    Files.writeString(dir.resolve("tokenizer_config.json"), "{\"model_max_length\": 1e30}");
    Files.writeString(
        dir.resolve("special_tokens_map.json"),
        "{\"eos_token\": {\"content\": \"</s>\", \"special\": true}, \"pad_token\": \"</s>\"}");
    try (Tokenizer tokenizer = Tokenizer.load(dir)) {
      assertEquals("</s>", tokenizer.eosToken());
      assertArrayEquals(new int[] {2}, tokenizer.eosIds());
      assertEquals(OptionalInt.of(2), tokenizer.padId());
      assertEquals(OptionalLong.empty(), tokenizer.modelMaxLength(), "1e30 means unlimited");
    }
  }
}
