package dev.tuneforge.evaluator.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.evaluator.Parsed;
import dev.tuneforge.llm.template.ChatMessage;
import dev.tuneforge.platform.api.FieldError;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The chat request's fields as OpenAI defines them, and every bad one named. */
class ChatRequestTest {
  final ObjectMapper json = new ObjectMapper();

  Parsed<ChatRequest> parse(String body) throws Exception {
    return ChatRequest.parse(json.readTree(body));
  }

  List<String> params(String body) throws Exception {
    Parsed<ChatRequest> p = parse(body);
    assertFalse(p.ok(), body);
    return p.errors().stream().map(FieldError::param).toList();
  }

  @Test
  void openAiDefaultsAndShapes() throws Exception {
    ChatRequest r =
        parse(
                """
                {"model": "tiny", "user": "ignored", "logprobs": false,
                 "messages": [{"role": "developer", "content": "be brief"},
                              {"role": "user", "content": [{"type": "text", "text": "Hi "},
                                                           {"type": "text", "text": "there"}]}],
                 "max_tokens": 9, "max_completion_tokens": 5, "stop": "\\n", "seed": 7}
                """)
            .value();
    assertEquals(
        List.of(new ChatMessage("system", "be brief"), new ChatMessage("user", "Hi there")),
        r.messages());
    assertEquals(1.0, r.temperature());
    assertEquals(1.0, r.topP());
    assertEquals(5, r.maxTokens(), "max_completion_tokens wins, as in OpenAI's API");
    assertEquals(List.of("\n"), r.stop());
    assertEquals(7L, r.seed());
    assertFalse(r.stream());
    ChatRequest bare =
        parse("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}").value();
    assertNull(bare.maxTokens());
    assertNull(bare.seed());
    assertEquals(List.of(), bare.stop());
  }

  @Test
  void everyBadFieldIsNamed() throws Exception {
    assertEquals(List.of("model", "messages"), params("{}"));
    assertEquals(List.of("body"), params("[1]"));
    String msgs = "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]";
    assertEquals(List.of("messages"), params("{\"model\":\"m\",\"messages\":[]}"));
    assertEquals(
        List.of("messages[0].role"),
        params("{\"model\":\"m\",\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}"));
    assertEquals(
        List.of("messages[0].content[0]"),
        params(
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]}]}"));
    assertEquals(
        List.of("messages[0].content"),
        params("{\"model\":\"m\",\"messages\":[{\"role\":\"user\"}]}"));
    assertEquals(
        List.of("temperature"), params("{\"model\":\"m\"," + msgs + ",\"temperature\":-1}"));
    assertEquals(List.of("top_p"), params("{\"model\":\"m\"," + msgs + ",\"top_p\":0}"));
    assertEquals(List.of("max_tokens"), params("{\"model\":\"m\"," + msgs + ",\"max_tokens\":0}"));
    assertEquals(
        List.of("max_completion_tokens"),
        params("{\"model\":\"m\"," + msgs + ",\"max_completion_tokens\":1.5}"));
    assertEquals(
        List.of("stop"),
        params("{\"model\":\"m\"," + msgs + ",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}"));
    assertEquals(List.of("stop"), params("{\"model\":\"m\"," + msgs + ",\"stop\":[\"\"]}"));
    assertEquals(List.of("seed"), params("{\"model\":\"m\"," + msgs + ",\"seed\":\"7\"}"));
    assertEquals(List.of("n"), params("{\"model\":\"m\"," + msgs + ",\"n\":3}"));
    assertEquals(List.of("stream"), params("{\"model\":\"m\"," + msgs + ",\"stream\":\"yes\"}"));
    assertEquals(
        List.of("include_usage"),
        params("{\"model\":\"m\"," + msgs + ",\"stream_options\":{\"include_usage\":1}}"));
  }

  @Test
  void streamedTextHoldsBackIncompleteCharactersAndPossibleStopStrings() {
    assertEquals("abc", ChatResource.safePrefix("abc", 0));
    assertEquals("ab", ChatResource.safePrefix("ab\uFFFD", 0));
    assertEquals("a", ChatResource.safePrefix("abc", 2));
    assertEquals("", ChatResource.safePrefix("a", 3));
    // never splits a surrogate pair
    assertEquals("a\uD83D\uDE00", ChatResource.safePrefix("a\uD83D\uDE00b", 1));
    assertEquals("a", ChatResource.safePrefix("a\uD83D\uDE00b", 2));
  }
}
