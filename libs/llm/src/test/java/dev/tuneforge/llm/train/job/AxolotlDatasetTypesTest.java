package dev.tuneforge.llm.train.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.llm.train.data.ChatTurn;
import dev.tuneforge.llm.train.data.Example;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dataset entries as Axolotl users write them, read into the engine's examples. */
class AxolotlDatasetTypesTest {
  @TempDir Path dir;
  final ObjectMapper json = new ObjectMapper();

  @BeforeEach
  void base() throws IOException {
    Files.createDirectories(dir.resolve("base"));
  }

  private JobConfig.Dataset entry(String datasetJson, String... lines) throws IOException {
    Files.writeString(dir.resolve("d.jsonl"), String.join("\n", lines) + "\n");
    ObjectNode tree =
        (ObjectNode)
            json.readTree(
                "{\"base_model\":\"base\",\"output_dir\":\"out\",\"learning_rate\":0.0002,\"datasets\":["
                    + datasetJson
                    + "]}");
    return JobConfig.parse(tree, dir).datasets().get(0);
  }

  private JobConfigException refused(String datasetJson) {
    return assertThrows(JobConfigException.class, () -> entry(datasetJson, "{\"messages\":[]}"));
  }

  @Test
  void chatTemplateWithShareGptFieldsAndRoleValues() throws IOException {
    JobConfig.Dataset d =
        entry(
            "{\"path\":\"d.jsonl\",\"type\":\"chat_template\",\"field_messages\":\"conversations\","
                + "\"message_property_mappings\":{\"role\":\"from\",\"content\":\"value\"},"
                + "\"roles\":{\"user\":[\"human\"],\"assistant\":[\"gpt\"]},"
                + "\"roles_to_train\":[\"assistant\"],\"train_on_eos\":\"turn\"}",
            "{\"conversations\":[{\"from\":\"system\",\"value\":\"Be brief.\"},"
                + "{\"from\":\"human\",\"value\":\"Hi\"},{\"from\":\"gpt\",\"value\":\"Hello\"}]}");
    assertEquals(JobConfig.DatasetType.CHAT, d.type());
    List<Example> read = JobRunner.read(d);
    Example.Chat chat = assertInstanceOf(Example.Chat.class, read.get(0));
    assertEquals(
        List.of(
            new ChatTurn("system", "Be brief."),
            new ChatTurn("user", "Hi"),
            new ChatTurn("assistant", "Hello")),
        chat.messages());
  }

  @Test
  void theEnginesOwnChatRecordsReadAsBefore() throws IOException {
    JobConfig.Dataset d =
        entry(
            "{\"path\":\"d.jsonl\",\"type\":\"chat\"}",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},"
                + "{\"role\":\"assistant\",\"content\":\"b\",\"weight\":0}]}");
    assertEquals(DatasetFormat.PLAIN, d.format());
    Example.Chat chat = assertInstanceOf(Example.Chat.class, JobRunner.read(d).get(0));
    assertEquals(new ChatTurn("assistant", "b", 0), chat.messages().get(1));
  }

  @Test
  void alpacaRecordsBecomeAxolotlsPromptAndTheOutput() throws IOException {
    JobConfig.Dataset d =
        entry(
            "{\"path\":\"d.jsonl\",\"type\":\"alpaca\"}",
            "{\"instruction\":\"Add\",\"input\":\"2 and 3\",\"output\":\"5\"}",
            "{\"instruction\":\"Greet\",\"input\":\"\",\"output\":\"Hello\"}");
    List<Example> read = JobRunner.read(d);
    Example.PromptCompletion withInput =
        assertInstanceOf(Example.PromptCompletion.class, read.get(0));
    assertEquals(
        "Below is an instruction that describes a task, paired with an input that provides further"
            + " context. Write a response that appropriately completes the request.\n\n"
            + "### Instruction:\nAdd\n\n### Input:\n2 and 3\n\n### Response:\n",
        withInput.prompt());
    assertEquals("5", withInput.completion());
    Example.PromptCompletion noInput =
        assertInstanceOf(Example.PromptCompletion.class, read.get(1));
    assertTrue(noInput.prompt().endsWith("### Instruction:\nGreet\n\n### Response:\n"));
    assertTrue(!noInput.prompt().contains("### Input:"));
  }

  @Test
  void completionTakesAxolotlsRawTextInItsFieldAndTheEnginesPromptCompletion() throws IOException {
    JobConfig.Dataset d =
        entry(
            "{\"path\":\"d.jsonl\",\"type\":\"completion\",\"field\":\"body\"}",
            "{\"body\":\"raw text to continue\"}",
            "{\"prompt\":\"Q\",\"completion\":\"A\"}");
    List<Example> read = JobRunner.read(d);
    assertEquals("raw text to continue", assertInstanceOf(Example.Text.class, read.get(0)).text());
    assertEquals("A", assertInstanceOf(Example.PromptCompletion.class, read.get(1)).completion());
  }

  @Test
  void optionsTheEngineCannotHonourAreRefusedByName() {
    assertEquals(
        "datasets[0].roles_to_train",
        refused(
                "{\"path\":\"d.jsonl\",\"type\":\"chat_template\","
                    + "\"roles_to_train\":[\"user\",\"assistant\"]}")
            .key());
    assertEquals(
        "datasets[0].train_on_eos",
        refused("{\"path\":\"d.jsonl\",\"type\":\"chat_template\",\"train_on_eos\":\"all\"}")
            .key());
    assertEquals(
        "datasets[0].field_messages",
        refused("{\"path\":\"d.jsonl\",\"type\":\"alpaca\",\"field_messages\":\"x\"}").key());
    assertEquals(
        "datasets[0].message_property_mappings.speaker",
        refused(
                "{\"path\":\"d.jsonl\",\"type\":\"chat_template\","
                    + "\"message_property_mappings\":{\"speaker\":\"from\"}}")
            .key());
    assertEquals(
        "datasets[0].split", refused("{\"path\":\"d.jsonl\",\"type\":\"chat\",\"split\":1}").key());
    JobConfigException type = refused("{\"path\":\"d.jsonl\",\"type\":\"sharegpt\"}");
    assertEquals("datasets[0].type", type.key());
    assertTrue(type.getMessage().contains("chat_template"), type.getMessage());
  }

  @Test
  void aRecordMissingItsMappedFieldNamesTheLineAndField() throws IOException {
    JobConfig.Dataset d =
        entry(
            "{\"path\":\"d.jsonl\",\"type\":\"chat_template\",\"field_messages\":\"conversations\"}",
            "{\"conversations\":[{\"role\":\"user\",\"content\":\"a\"}]}",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]}");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> JobRunner.read(d));
    assertTrue(
        e.getMessage().contains("line 2") && e.getMessage().contains("'conversations'"),
        e.getMessage());
  }
}
