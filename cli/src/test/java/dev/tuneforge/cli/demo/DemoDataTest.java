package dev.tuneforge.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.cli.client.ProgressBar;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DemoDataTest {

  @Test
  void everyRecordAnswersWithTheLastWordInTheFixedSentence() throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<String> lines = DemoData.chats().lines().toList();
    for (String line : lines) {
      JsonNode messages = json.readTree(line).get("messages");
      assertEquals("user", messages.get(0).get("role").asText());
      String[] words =
          messages.get(0).get("content").asText().replaceFirst(" \\(.*\\)$", "").split(" ");
      assertEquals("Last", words[0]);
      assertEquals(
          "The last word is " + words[words.length - 1] + ".",
          messages.get(1).get("content").asText(),
          line);
    }
    Set<String> distinct = new HashSet<>(lines);
    assertEquals(DemoData.TRAIN, distinct.size());
    assertTrue(lines.size() > distinct.size(), "no exact repeat for the dedup rule");
  }

  @Test
  void heldOutQuestionsAreNeverTrainedOn() {
    String data = DemoData.chats();
    assertEquals(11 * 10 * 9, DemoData.triples().size());
    for (String[] t : DemoData.heldOut().subList(0, 6)) {
      assertFalse(data.contains("\"" + DemoData.question(t) + "\""), DemoData.question(t));
    }
    for (String prompt : DemoCommand.PROMPTS) {
      assertFalse(data.contains("\"" + prompt + "\""), prompt);
    }
  }

  @Test
  void carriesPiiForTheRedactionRuleAndIsTheSameEveryTime() {
    String data = DemoData.chats();
    assertTrue(data.contains("pat@example.com"));
    assertTrue(data.contains("+1 415 555 0134"));
    assertEquals(data, DemoData.chats());
  }

  @Test
  void progressBarShowsStepLossThroughputAndEta() {
    assertEquals(
        "  [###############...............] step 50/100  loss 0.1234  900 tok/s  ETA 1m5s",
        ProgressBar.line(50, 100, 0.12344, 900.2, 65));
    assertTrue(ProgressBar.line(1, 0, 1, 1, -1).endsWith("ETA ?"));
  }
}
