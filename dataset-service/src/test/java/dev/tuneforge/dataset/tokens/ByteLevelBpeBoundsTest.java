package dev.tuneforge.dataset.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.dataset.curation.TokenBounds;
import dev.tuneforge.dataset.curation.TokenRange;
import dev.tuneforge.llm.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bounds against real counts of the HF tokenizers library: they must hold for every text, since
 * the length filter trusts them instead of counting.
 */
@Tag("native-tokenizer") // own JVM: see dataset-service/pom.xml
class ByteLevelBpeBoundsTest {

  private static final int RANDOM_TEXTS = 3000;

  @TempDir Path tmp;

  @Test
  void boundsHoldOnAdversarialAndRandomTextsForEveryTestTokenizer() {
    for (String name : TokenizerFixtures.NAMES) {
      TokenBounds bounds =
          ByteLevelBpeSpec.read(TokenizerFixtures.dir(name).resolve(Tokenizer.TOKENIZER_FILE));
      assertTrue(bounds.available(), name + ": " + bounds.description());
      List<String> texts = texts(name);
      int[] counts = counts(TokenizerFixtures.dir(name), texts);
      int tightLower = 0;
      int tightUpper = 0;
      for (int i = 0; i < texts.size(); i++) {
        TokenRange range = bounds.range(texts.get(i));
        assertTrue(
            range.upper() < Integer.MAX_VALUE, name + ": no normaliser, so every text is bounded");
        assertWithin(name, range, counts[i], texts.get(i));
        tightLower += range.lower() == counts[i] && counts[i] > 0 ? 1 : 0;
        tightUpper += range.upper() == counts[i] && counts[i] > 0 ? 1 : 0;
      }
      // The texts reach both bounds, so they test the bounds where a mistake would show.
      assertTrue(tightLower > 0, name + ": no text reached the lower bound");
      assertTrue(tightUpper > 0, name + ": no text reached the upper bound");
    }
  }

  @Test
  void longestTokenIsReadBackToBytesAndAddedTokensCount() {
    // bpe-chatml: "<|endoftext|>" (13 bytes) is the longest; bpe-llama: "Numbers"/"Ġturns" (7).
    assertEquals(
        13,
        ((ByteLevelBpeBounds) ByteLevelBpeSpec.of(TokenizerFixtures.spec("bpe-chatml")))
            .longestTokenBytes());
    assertEquals(
        7,
        ((ByteLevelBpeBounds) ByteLevelBpeSpec.of(TokenizerFixtures.spec("bpe-llama")))
            .longestTokenBytes());
    // "Ġturns" is 6 characters and 6 bytes (Ġ stands for the space byte), not 7 UTF-8 bytes.
    assertEquals(6, ByteLevelAlphabet.bytesOf("Ġturns"));
    assertEquals(1, ByteLevelAlphabet.bytesOf("Ċ"));
  }

  @Test
  void aNormaliserThatCanGrowTextLimitsTheBoundsToAsciiTexts() {
    Path dir =
        TokenizerFixtures.edited(
            "bpe-chatml",
            tmp.resolve("nfkc"),
            spec -> spec.putObject("normalizer").put("type", "NFKC"));
    TokenBounds bounds = ByteLevelBpeSpec.read(dir.resolve(Tokenizer.TOKENIZER_FILE));
    assertTrue(bounds.available(), bounds.description());
    assertTrue(bounds.description().contains("all-ASCII"), bounds.description());
    // Why: NFKC turns the 3-byte "㍻" into the 6-byte "平成", more tokens than the input has bytes.
    String square = "㍻".repeat(10);
    int[] grown = counts(dir, List.of(square));
    assertTrue(grown[0] > 30, "NFKC expanded " + grown[0] + " tokens from 30 bytes");
    assertEquals(TokenRange.UNKNOWN, bounds.range(square));
    assertEquals(new TokenRange(1, 5), bounds.range("hello"));
    List<String> texts = texts("bpe-chatml");
    int[] counts = counts(dir, texts);
    for (int i = 0; i < texts.size(); i++) {
      assertWithin("bpe-chatml+NFKC", bounds.range(texts.get(i)), counts[i], texts.get(i));
    }
  }

  @Test
  void anAddedTokenThatStripsWhitespaceDropsTheLowerBoundOnly() {
    Path dir =
        TokenizerFixtures.edited(
            "bpe-chatml",
            tmp.resolve("lstrip"),
            spec -> {
              for (var added : spec.withArray("added_tokens")) {
                if ("<tool>".equals(added.path("content").asText())) {
                  ((ObjectNode) added).put("lstrip", true);
                }
              }
            });
    TokenBounds bounds = ByteLevelBpeSpec.read(dir.resolve(Tokenizer.TOKENIZER_FILE));
    // Why: the token swallows the 50 spaces before it, one token for 56 bytes (more than L = 13).
    String text = " ".repeat(50) + "<tool>";
    assertEquals(1, counts(dir, List.of(text))[0]);
    assertEquals(new TokenRange(0, 56), bounds.range(text));
    List<String> texts = texts("bpe-chatml");
    int[] counts = counts(dir, texts);
    for (int i = 0; i < texts.size(); i++) {
      assertWithin("bpe-chatml+lstrip", bounds.range(texts.get(i)), counts[i], texts.get(i));
    }
  }

  @Test
  void tokenizersTheBoundIsNotProvenForGetNone() {
    assertNone(
        spec -> spec.putObject("pre_tokenizer").put("type", "Metaspace").put("replacement", "▁"),
        "Metaspace");
    assertNone(
        spec -> ((ObjectNode) spec.get("pre_tokenizer")).put("add_prefix_space", true),
        "prefix space");
    assertNone(spec -> spec.putObject("normalizer").put("type", "Replace"), "normalizer Replace");
    assertNone(
        spec -> {
          var steps = spec.putObject("normalizer").put("type", "Sequence").putArray("normalizers");
          steps.addObject().put("type", "NFC");
          steps.addObject().put("type", "Strip").put("strip_left", true).put("strip_right", true);
        },
        "normalizer Strip");
    assertNone(
        spec -> ((ObjectNode) spec.get("model")).put("byte_fallback", true), "byte_fallback");
    assertNone(spec -> ((ObjectNode) spec.get("model")).put("type", "WordPiece"), "WordPiece");
    assertNone(
        spec -> ((ObjectNode) spec.get("model")).put("continuing_subword_prefix", "##"),
        "prefix or suffix");
    assertNone(spec -> spec.putNull("decoder"), "decoder");
    assertNone(
        spec ->
            spec.putObject("pre_tokenizer")
                .put("type", "Sequence")
                .putArray("pretokenizers")
                .add(
                    new com.fasterxml.jackson.databind.ObjectMapper()
                        .createObjectNode()
                        .put("type", "Split")
                        .put("behavior", "Removed"))
                .addObject()
                .put("type", "ByteLevel")
                .put("add_prefix_space", false),
        "Split");
  }

  @Test
  void llama3StyleSplitThenByteLevelIsBounded() {
    ObjectNode spec = TokenizerFixtures.spec("bpe-chatml");
    var steps = spec.putObject("pre_tokenizer").put("type", "Sequence").putArray("pretokenizers");
    steps
        .addObject()
        .put("type", "Split")
        .put("behavior", "Isolated")
        .putObject("pattern")
        .put("Regex", "\\s+");
    steps
        .addObject()
        .put("type", "ByteLevel")
        .put("add_prefix_space", false)
        .put("use_regex", false);
    assertTrue(ByteLevelBpeSpec.of(spec).available());
  }

  @Test
  void anUnpairedSurrogateIsNotBounded() {
    TokenBounds bounds = ByteLevelBpeSpec.of(TokenizerFixtures.spec("bpe-chatml"));
    assertEquals(TokenRange.UNKNOWN, bounds.range("a\uD83Db"));
    assertEquals(TokenRange.UNKNOWN, bounds.range("\uDE00"));
    assertEquals(new TokenRange(1, 4), bounds.range("\uD83D\uDE00"));
  }

  private void assertNone(java.util.function.Consumer<ObjectNode> edit, String reason) {
    ObjectNode spec = TokenizerFixtures.spec("bpe-chatml");
    edit.accept(spec);
    TokenBounds bounds = ByteLevelBpeSpec.of(spec);
    assertFalse(bounds.available(), reason + ": " + bounds.description());
    assertTrue(bounds.description().contains(reason), bounds.description());
    assertEquals(TokenRange.UNKNOWN, bounds.range("hello"));
  }

  private static List<String> texts(String name) {
    List<String> vocabulary = new ArrayList<>();
    TokenizerFixtures.spec(name)
        .path("model")
        .path("vocab")
        .fieldNames()
        .forEachRemaining(vocabulary::add);
    return AdversarialTexts.all(vocabulary, RANDOM_TEXTS, name.hashCode());
  }

  /** Counts as the service does: HfTokenCounter's batch call, checked against its one-text call. */
  private static int[] counts(Path dir, List<String> texts) {
    try (Tokenizer tokenizer = Tokenizer.load(dir)) {
      HfTokenCounter counter = new HfTokenCounter(tokenizer);
      int[] counts = counter.countAll(texts);
      for (int i = 0; i < texts.size(); i += 97) {
        assertEquals(counter.count(texts.get(i)), counts[i], "batch and single count differ");
      }
      return counts;
    }
  }

  private static void assertWithin(String tokenizer, TokenRange range, int count, String text) {
    if (count < range.lower() || count > range.upper()) {
      throw new AssertionError(
          tokenizer + ": " + count + " tokens outside " + range + " for " + escape(text));
    }
  }

  private static String escape(String text) {
    StringBuilder sb = new StringBuilder("\"");
    text.codePoints()
        .limit(200)
        .forEach(
            cp ->
                sb.append(
                    cp >= 0x20 && cp < 0x7F
                        ? Character.toString(cp)
                        : String.format("\\u{%x}", cp)));
    return sb.append(text.length() > 200 ? "…\"" : "\"").toString();
  }
}
