package dev.tuneforge.llm.export.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The pre-tokenizer name is chosen only when llama.cpp's regex for it is exactly the tokenizer's.
 */
class GgufVocabTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path FILE = Path.of("tokenizer.json");

  static ObjectNode byteLevel(boolean useRegex) {
    ObjectNode b =
        JSON.createObjectNode()
            .put("type", "ByteLevel")
            .put("add_prefix_space", false)
            .put("trim_offsets", false)
            .put("use_regex", useRegex);
    return b;
  }

  /**
   * HF's layout for Llama 3 and Qwen2: Split on the regex (isolated), then ByteLevel without its
   * own regex.
   */
  static ObjectNode splitThenByteLevel(String regex, String behavior) {
    ObjectNode seq = JSON.createObjectNode().put("type", "Sequence");
    ObjectNode split = seq.putArray("pretokenizers").addObject().put("type", "Split");
    split.putObject("pattern").put("Regex", regex);
    split.put("behavior", behavior).put("invert", false);
    seq.withArray("pretokenizers").add(byteLevel(false));
    return seq;
  }

  @Test
  void knownLayoutsMapToLlamaCppsNames() {
    assertEquals("gpt-2", GgufVocab.preTokenizer(byteLevel(true), FILE));
    assertEquals(
        "llama-bpe",
        GgufVocab.preTokenizer(splitThenByteLevel(GgufVocab.LLAMA3_REGEX, "Isolated"), FILE));
    assertEquals(
        "qwen2",
        GgufVocab.preTokenizer(splitThenByteLevel(GgufVocab.QWEN2_REGEX, "Isolated"), FILE));
  }

  @Test
  void anythingElseIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> GgufVocab.preTokenizer(splitThenByteLevel(GgufVocab.QWEN2_REGEX, "Removed"), FILE));
    assertThrows(
        IllegalArgumentException.class,
        () -> GgufVocab.preTokenizer(splitThenByteLevel("\\p{N}{1,2}", "Isolated"), FILE));
    assertThrows(
        IllegalArgumentException.class, () -> GgufVocab.preTokenizer(byteLevel(false), FILE));
    ObjectNode prefixed = byteLevel(true).put("add_prefix_space", true);
    assertThrows(IllegalArgumentException.class, () -> GgufVocab.preTokenizer(prefixed, FILE));
  }
}
