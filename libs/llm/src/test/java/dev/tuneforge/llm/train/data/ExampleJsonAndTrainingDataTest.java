package dev.tuneforge.llm.train.data;

import static dev.tuneforge.llm.train.data.CharFixtures.CHATML;
import static dev.tuneforge.llm.train.data.CharFixtures.ENCODER;
import static dev.tuneforge.llm.train.data.CharFixtures.EOS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExampleJsonAndTrainingDataTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static Example parse(String json) throws Exception {
    return ExampleJson.parse(JSON.readTree(json));
  }

  @Test
  void readsTheThreeShapes() throws Exception {
    assertEquals(new Example.Text("hi"), parse("{\"text\":\"hi\"}"));
    assertEquals(
        new Example.PromptCompletion("a", "b"), parse("{\"prompt\":\"a\",\"completion\":\"b\"}"));
    Example chat =
        parse(
            "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},"
                + "{\"role\":\"assistant\",\"content\":\"x\",\"weight\":0}]}");
    assertInstanceOf(Example.Chat.class, chat);
    assertEquals(0, ((Example.Chat) chat).messages().get(1).weight());
  }

  @Test
  void errorsNameTheField() {
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> parse("{\"prompt\":\"a\"}"))
            .getMessage()
            .contains("'completion' is missing"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> parse("{\"text\":3}"))
            .getMessage()
            .contains("'text' must be a string"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    parse(
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"x\",\"weight\":2}]}"))
            .getMessage()
            .contains("messages[1].weight"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class, () -> parse("{\"messages\":[{\"role\":\"user\"}]}"))
            .getMessage()
            .contains("messages[0].content"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> parse("{\"input\":\"x\"}"))
            .getMessage()
            .contains("[input]"));
  }

  @Test
  void buildCountsTruncationDropsTargetlessExamplesAndPacks() {
    List<Example> ex = new ArrayList<>();
    ex.add(
        new Example.PromptCompletion("a very long prompt", "x")); // completion cut off → no target
    ex.add(new Example.PromptCompletion("q", "abcdefghijklmnop")); // truncated, keeps targets
    ex.add(new Example.Text("hi"));
    ex.add(new Example.Text("yo"));
    TokenizationConfig cfg = new TokenizationConfig(8, false, EOS);
    TrainingData data =
        TrainingData.build(
            ex,
            new ExampleTokenizer(ENCODER, CHATML, cfg),
            cfg,
            new TrainingData.Options(true, 2, 5, true, false, 0, 0, false));
    assertEquals(4, data.examples());
    assertEquals(2, data.truncated());
    assertEquals(1, data.droppedNoTarget());
    assertEquals(6 + 3 + 3, data.targetTokens());
    // rows: [q-example (8)], [hi (4) + yo (4)] → 2 rows → one batch of 2
    assertEquals(1, data.plan().batchesPerEpoch());
    assertEquals(data.targetTokens(), data.plan().batch(DataPosition.START).targetTokens());
  }
}
