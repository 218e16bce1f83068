package dev.tuneforge.dataset.tokens;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.llm.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/** The byte-level BPE test tokenizers of libs/llm, and edited copies of them. */
final class TokenizerFixtures {

  static final Path ROOT = Path.of("../libs/llm/src/test/resources/tokenizers");

  /** Every test tokenizer that ships a tokenizer.json. */
  static final List<String> NAMES = List.of("bpe-chatml", "bpe-llama", "bpe-llama-flags");

  private static final ObjectMapper JSON = new ObjectMapper();

  private TokenizerFixtures() {}

  static Path dir(String name) {
    return ROOT.resolve(name);
  }

  static ObjectNode spec(String name) {
    try {
      return (ObjectNode) JSON.readTree(dir(name).resolve(Tokenizer.TOKENIZER_FILE).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A copy of {@code name}'s tokenizer.json in {@code target}, changed by {@code edit}; returns the
   * folder.
   */
  static Path edited(String name, Path target, Consumer<ObjectNode> edit) {
    ObjectNode spec = spec(name);
    edit.accept(spec);
    try {
      Files.createDirectories(target);
      JSON.writeValue(target.resolve(Tokenizer.TOKENIZER_FILE).toFile(), spec);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return target;
  }
}
