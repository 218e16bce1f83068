package dev.tuneforge.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DemoDataTest {

  @Test
  void everyRecordAnswersInTheFixedFormatWithTheRightSum() throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<String> lines = DemoData.chats().lines().toList();
    int checked = 0;
    for (String line : lines) {
      JsonNode messages = json.readTree(line).get("messages");
      assertEquals("user", messages.get(0).get("role").asText());
      String q = messages.get(0).get("content").asText();
      String a = messages.get(1).get("content").asText();
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("(\\d+)(?: plus | and | \\+ )(\\d+)").matcher(q);
      assertTrue(m.find(), q);
      int sum = Integer.parseInt(m.group(1)) + Integer.parseInt(m.group(2));
      assertEquals("The answer is " + sum + ".", a, q);
      checked++;
    }
    assertEquals(lines.size(), checked);
    // 3 phrasings x 11 x 10 distinct questions, plus exact repeats for the dedup rule
    Set<String> distinct = new HashSet<>(lines);
    assertEquals(330, distinct.size());
    assertTrue(lines.size() > distinct.size(), "no exact repeat for the dedup rule");
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
