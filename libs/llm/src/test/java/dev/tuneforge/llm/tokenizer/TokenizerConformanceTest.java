package dev.tuneforge.llm.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.llm.template.ChatMessage;
import dev.tuneforge.llm.template.ChatTemplate;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * The tiny tokenizers under {@code tokenizers/} must give what {@code transformers.AutoTokenizer}
 * gave for them ({@code expected.json}, written by {@code src/test/python/make_tokenizers.py}): ids
 * with and without special tokens, decodes, special-token ids, vocabulary size, and the rendered
 * chat template of the same directory.
 */
class TokenizerConformanceTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final List<Tokenizer> OPENED = new ArrayList<>();

  static Path dir(String name) {
    try {
      return Path.of(TokenizerConformanceTest.class.getResource("/tokenizers/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterAll
  static void close() {
    OPENED.forEach(Tokenizer::close);
  }

  @TestFactory
  Stream<DynamicNode> matchesTransformers() throws IOException {
    List<DynamicNode> nodes = new ArrayList<>();
    for (String name : List.of("bpe-llama", "bpe-llama-flags", "bpe-chatml")) {
      Path dir = dir(name);
      JsonNode expected = JSON.readTree(dir.resolve("expected.json").toFile());
      Tokenizer tokenizer = Tokenizer.load(dir);
      OPENED.add(tokenizer);
      List<DynamicNode> tests = new ArrayList<>();
      int i = 0;
      for (JsonNode c : expected.get("cases")) {
        String text = c.get("text").asText();
        String label = "case " + i++ + " " + abbreviate(text);
        tests.add(
            dynamicTest(
                label + ": encode",
                () -> {
                  assertArrayEquals(ints(c.get("ids")), tokenizer.encode(text));
                  assertArrayEquals(ints(c.get("ids")), tokenizer.encode(text, true));
                }));
        tests.add(
            dynamicTest(
                label + ": encode without special tokens",
                () ->
                    assertArrayEquals(
                        ints(c.get("idsWithoutSpecialTokens")), tokenizer.encode(text, false))));
        tests.add(
            dynamicTest(
                label + ": decode",
                () -> {
                  int[] ids = ints(c.get("ids"));
                  assertEquals(c.get("decoded").asText(), tokenizer.decode(ids, false));
                  assertEquals(
                      c.get("decodedSkippingSpecialTokens").asText(), tokenizer.decode(ids, true));
                }));
      }
      tests.add(
          dynamicTest(
              "special tokens and vocabulary",
              () -> {
                assertEquals(text(expected.get("bosToken")), tokenizer.bosToken());
                assertEquals(text(expected.get("eosToken")), tokenizer.eosToken());
                assertEquals(optionalInt(expected.get("bosId")), tokenizer.bosId());
                assertArrayEquals(
                    expected.get("eosId").isNull()
                        ? new int[0]
                        : new int[] {expected.get("eosId").asInt()},
                    tokenizer.eosIds());
                assertEquals(optionalInt(expected.get("padId")), tokenizer.padId());
                assertEquals(expected.get("vocabSize").asInt(), tokenizer.vocabSize());
                assertTrue(expected.get("tokenIds").size() >= 3);
                expected
                    .get("tokenIds")
                    .properties()
                    .forEach(
                        e ->
                            assertEquals(
                                OptionalInt.of(e.getValue().asInt()),
                                tokenizer.tokenId(e.getKey()),
                                e.getKey()));
                assertEquals(OptionalInt.empty(), tokenizer.tokenId("<not a token>"));
              }));
      tests.add(
          dynamicTest(
              "chat template from the same directory",
              () -> {
                List<ChatMessage> conversation = new ArrayList<>();
                expected
                    .get("conversation")
                    .forEach(
                        m ->
                            conversation.add(
                                new ChatMessage(
                                    m.get("role").asText(), m.get("content").asText())));
                assertEquals(
                    expected.get("renderedWithGenerationPrompt").asText(),
                    ChatTemplate.load(dir).render(conversation, true));
                if (expected.has("renderedByName")) {
                  expected
                      .get("renderedByName")
                      .properties()
                      .forEach(
                          e ->
                              assertEquals(
                                  e.getValue().asText(),
                                  ChatTemplate.load(dir, e.getKey()).render(conversation, false),
                                  e.getKey()));
                }
              }));
      nodes.add(dynamicContainer(name, tests));
    }
    return nodes.stream();
  }

  private static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }

  private static OptionalInt optionalInt(JsonNode node) {
    return node == null || node.isNull() ? OptionalInt.empty() : OptionalInt.of(node.asInt());
  }

  private static String text(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }

  private static String abbreviate(String text) {
    String oneLine = text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
    return "\"" + (oneLine.length() > 30 ? oneLine.substring(0, 30) + "..." : oneLine) + "\"";
  }
}
