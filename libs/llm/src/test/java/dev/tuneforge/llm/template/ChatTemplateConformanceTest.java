package dev.tuneforge.llm.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every template x conversation x add_generation_prompt of {@code chat-templates/expected.json}
 * (rendered by transformers' own {@code render_jinja_template}, see {@code
 * src/test/python/render_chat_templates.py}) must come out byte for byte the same.
 */
class ChatTemplateConformanceTest {

  static final ObjectMapper JSON = new ObjectMapper();

  static Path resource(String name) {
    try {
      return Path.of(ChatTemplateConformanceTest.class.getResource("/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @TestFactory
  Stream<DynamicTest> rendersLikeTransformers() throws IOException {
    Path dir = resource("chat-templates");
    JsonNode expected = JSON.readTree(dir.resolve("expected.json").toFile());
    Map<String, List<ChatMessage>> conversations = new HashMap<>();
    for (JsonNode c : JSON.readTree(dir.resolve("conversations.json").toFile())) {
      List<ChatMessage> messages = new ArrayList<>();
      c.get("messages")
          .forEach(
              m ->
                  messages.add(new ChatMessage(m.get("role").asText(), m.get("content").asText())));
      conversations.put(c.get("name").asText(), messages);
    }
    Clock clock =
        Clock.fixed(
            LocalDateTime.parse(expected.get("now").asText()).toInstant(ZoneOffset.UTC),
            ZoneOffset.UTC);
    Map<String, ChatTemplate> templates = new HashMap<>();
    expected
        .get("templates")
        .properties()
        .forEach(
            e -> {
              String source;
              try {
                source =
                    Files.readString(dir.resolve(e.getKey() + ".jinja"), StandardCharsets.UTF_8);
              } catch (IOException ex) {
                throw new IllegalStateException(ex);
              }
              templates.put(
                  e.getKey(),
                  ChatTemplate.of(
                          source,
                          text(e.getValue().get("bosToken")),
                          text(e.getValue().get("eosToken")))
                      .withClock(clock));
            });
    assertTrue(expected.get("cases").size() >= 100, "fixture has all cases");
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : expected.get("cases")) {
      String template = c.get("template").asText();
      String conversation = c.get("conversation").asText();
      boolean prompt = c.get("addGenerationPrompt").asBoolean();
      ChatTemplate t = templates.get(template);
      List<ChatMessage> messages = conversations.get(conversation);
      tests.add(
          dynamicTest(
              template + " / " + conversation + " / add_generation_prompt=" + prompt,
              () -> {
                if (c.has("error")) {
                  ChatTemplateException e =
                      assertThrows(ChatTemplateException.class, () -> t.render(messages, prompt));
                  assertEquals(c.get("error").asText(), e.getMessage());
                  assertTrue(e.raisedByTemplate());
                } else {
                  assertEquals(c.get("output").asText(), t.render(messages, prompt));
                }
              }));
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> expressionsEvaluateLikeJinja2() throws IOException {
    JsonNode expected = JSON.readTree(resource("chat-templates").resolve("expected.json").toFile());
    List<ChatMessage> messages = new ArrayList<>();
    expected
        .get("expressionMessages")
        .forEach(
            m -> messages.add(new ChatMessage(m.get("role").asText(), m.get("content").asText())));
    assertTrue(expected.get("expressions").size() >= 40, "fixture has all expressions");
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode e : expected.get("expressions")) {
      String template = e.get("template").asText();
      tests.add(
          dynamicTest(
              template,
              () ->
                  assertEquals(
                      e.get("output").asText(),
                      ChatTemplate.of(template, "<s>", "</s>").render(messages, false))));
    }
    return tests.stream();
  }

  private static String text(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }
}
