package dev.tuneforge.llm.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Errors, sandboxing and injected values; byte-level conformance is ChatTemplateConformanceTest.
 */
class ChatTemplateBehaviourTest {

  private static final List<ChatMessage> SYSTEM_FIRST =
      List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi"));

  @Test
  void mistralRejectsASystemMessageWithItsOwnMessage() throws IOException {
    String source =
        Files.readString(ChatTemplateConformanceTest.resource("chat-templates/mistral-v0.2.jinja"));
    ChatTemplate mistral = ChatTemplate.of(source, "<s>", "</s>");
    ChatTemplateException e =
        assertThrows(ChatTemplateException.class, () -> mistral.render(SYSTEM_FIRST, true));
    assertEquals(
        "Conversation roles must alternate user/assistant/user/assistant/...", e.getMessage());
    assertTrue(e.raisedByTemplate());
    assertEquals("<s>[INST] Hi [/INST]", mistral.render(List.of(ChatMessage.user("Hi")), true));
  }

  @Test
  void firstRaisedExceptionWins() {
    ChatTemplate t =
        ChatTemplate.of(
            "{{ raise_exception('first ' ~ messages|length) }}{{ raise_exception('second') }}",
            null,
            null);
    assertEquals(
        "first 2",
        assertThrows(ChatTemplateException.class, () -> t.render(SYSTEM_FIRST, false))
            .getMessage());
  }

  @Test
  void sandboxRefusesMutationAndJavaMethods() {
    for (String source :
        List.of(
            "{{ messages.append(1) }}",
            "{{ messages[0].clear() }}",
            "{{ messages.getClass() }}",
            "{{ 'x'.getBytes() }}")) {
      ChatTemplateException e =
          assertThrows(
              ChatTemplateException.class,
              () -> ChatTemplate.of(source, null, null).render(SYSTEM_FIRST, false),
              source);
      assertFalse(e.raisedByTemplate(), source);
    }
  }

  @Test
  void brokenTemplateFailsWithJinjavasError() {
    ChatTemplateException e =
        assertThrows(
            ChatTemplateException.class,
            () ->
                ChatTemplate.of("{% for m in messages %}{{ m.role }", null, null)
                    .render(SYSTEM_FIRST, false));
    assertFalse(e.raisedByTemplate());
  }

  @Test
  void constructsJinjavaWouldRenderDifferentlyAreRefused() {
    for (String source :
        List.of(
            "{% for m in messages if m.role != 'system' %}{{ m.role }}{% endfor %}",
            "{% for m in messages %}{{ m.role }}{% else %}none{% endfor %}")) {
      assertThrows(ChatTemplateException.class, () -> ChatTemplate.of(source, null, null), source);
    }
    // an else of an if inside a loop, and 'if' inside a string of a for tag, are fine
    assertEquals(
        "s!u",
        ChatTemplate.of(
                "{% for m in messages %}{% if loop.first %}{{ m.role[0] }}!"
                    + "{% else %}{{ m.role[0] }}{% endif %}{% endfor %}",
                null, null)
            .render(SYSTEM_FIRST, false));
    assertEquals(
        "3",
        ChatTemplate.of(
                "{% for m in messages + [' if x'] %}{% endfor %}"
                    + "{{ (messages + [' if x']) | length }}",
                null, null)
            .render(SYSTEM_FIRST, false));
  }

  @Test
  void strftimeNowReadsTheInjectedClock() {
    ChatTemplate t =
        ChatTemplate.of("{{ strftime_now('%d %b %Y %H:%M') }}", null, null)
            .withClock(Clock.fixed(Instant.parse("2031-02-03T04:05:00Z"), ZoneOffset.UTC));
    assertEquals("03 Feb 2031 04:05", t.render(List.of(), false));
  }

  @Test
  void extraVariablesReachTheTemplate() {
    ChatTemplate t =
        ChatTemplate.of(
            "{% if tools is defined %}{{ tools | tojson }}{% else %}none{% endif %}", null, null);
    assertEquals("none", t.render(List.of(), false));
    assertEquals(
        "[{\"name\": \"f\"}]",
        t.render(List.of(), false, Map.of("tools", List.of(Map.of("name", "f")))));
  }

  @Test
  void templateSyntaxInsideContentIsNotEvaluated() {
    ChatTemplate t = ChatTemplate.of("{{ messages[0].content }}", null, null);
    assertEquals(
        "{{ 7 * 6 }} {% if x %}",
        t.render(List.of(ChatMessage.user("{{ 7 * 6 }} {% if x %}")), false));
  }
}
