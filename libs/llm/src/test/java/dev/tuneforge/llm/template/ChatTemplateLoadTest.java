package dev.tuneforge.llm.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a model directory's chat template comes from, and the errors when it is not there. */
class ChatTemplateLoadTest {

  @TempDir Path dir;

  private static final List<ChatMessage> HI = List.of(ChatMessage.user("hi"));

  private void config(String json) throws IOException {
    Files.writeString(dir.resolve("tokenizer_config.json"), json);
  }

  @Test
  void stringTemplateWithAddedTokenBos() throws IOException {
    config(
        "{\"bos_token\": {\"__type\": \"AddedToken\", \"content\": \"<s>\"},"
            + " \"eos_token\": \"</s>\", \"chat_template\": \"{{ bos_token }}{{ messages[0].content }}"
            + "{{ eos_token }}\"}");
    assertEquals("<s>hi</s>", ChatTemplate.load(dir).render(HI, false));
  }

  @Test
  void noChatTemplateNamesFileAndField() throws IOException {
    config("{\"eos_token\": \"</s>\"}");
    ChatTemplateException e =
        assertThrows(ChatTemplateException.class, () -> ChatTemplate.load(dir));
    assertTrue(e.getMessage().contains("tokenizer_config.json"), e.getMessage());
    assertTrue(e.getMessage().contains("\"chat_template\""), e.getMessage());
  }

  @Test
  void chatTemplateOfWrongTypeNamesTheField() throws IOException {
    config("{\"chat_template\": 42}");
    ChatTemplateException e =
        assertThrows(ChatTemplateException.class, () -> ChatTemplate.load(dir));
    assertTrue(e.getMessage().contains("\"chat_template\""), e.getMessage());
  }

  @Test
  void malformedConfigNamesTheFile() throws IOException {
    config("{\"chat_template\": \"x\"");
    ChatTemplateException e =
        assertThrows(ChatTemplateException.class, () -> ChatTemplate.load(dir));
    assertTrue(e.getMessage().contains("tokenizer_config.json"), e.getMessage());
  }

  @Test
  void chatTemplateJinjaFileTakesPriorityOverTheConfig() throws IOException {
    config("{\"chat_template\": \"from config\"}");
    Files.writeString(dir.resolve("chat_template.jinja"), "from file {{ messages | length }}\n");
    assertEquals("from file 1", ChatTemplate.load(dir).render(HI, false));
  }

  @Test
  void namedTemplatesFromAdditionalChatTemplatesDirectory() throws IOException {
    Files.writeString(dir.resolve("chat_template.jinja"), "default");
    Files.createDirectories(dir.resolve("additional_chat_templates"));
    Files.writeString(dir.resolve("additional_chat_templates/rag.jinja"), "rag");
    assertEquals("rag", ChatTemplate.load(dir, "rag").render(HI, false));
    assertEquals("default", ChatTemplate.load(dir).render(HI, false));
  }

  @Test
  void listWithoutDefaultRequiresAName() throws IOException {
    config(
        "{\"chat_template\": [{\"name\": \"tool_use\", \"template\": \"t\"},"
            + " {\"name\": \"rag\", \"template\": \"r\"}]}");
    ChatTemplateException e =
        assertThrows(ChatTemplateException.class, () -> ChatTemplate.load(dir));
    assertTrue(
        e.getMessage().contains("tool_use") && e.getMessage().contains("rag"), e.getMessage());
    assertEquals("r", ChatTemplate.load(dir, "rag").render(HI, false));
  }

  @Test
  void unknownNameListsTheAvailableOnes() throws IOException {
    config("{\"chat_template\": [{\"name\": \"default\", \"template\": \"d\"}]}");
    ChatTemplateException e =
        assertThrows(ChatTemplateException.class, () -> ChatTemplate.load(dir, "rag"));
    assertTrue(
        e.getMessage().contains("\"rag\"") && e.getMessage().contains("[default]"), e.getMessage());
  }

  @Test
  void listEntryWithoutTemplateNamesTheIndex() throws IOException {
    config("{\"chat_template\": [{\"name\": \"default\"}]}");
    ChatTemplateException e =
        assertThrows(ChatTemplateException.class, () -> ChatTemplate.load(dir));
    assertTrue(e.getMessage().contains("\"chat_template\"[0]"), e.getMessage());
  }
}
