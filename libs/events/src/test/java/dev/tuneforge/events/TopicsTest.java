package dev.tuneforge.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicsTest {

  @Test
  void everyTopicIsDeclaredOnceWithItsSettings() {
    var names = new HashSet<String>();
    for (TopicSpec s : Topics.SPECS) {
      assertTrue(names.add(s.name()), "declared twice: " + s.name());
    }
    assertTrue(names.containsAll(Topics.ALL), "every fact topic has settings");
    for (String service : Topics.SERVICES) {
      assertTrue(names.contains(Topics.deadLetter(service)), "dead-letter topic of " + service);
    }
    assertEquals(
        TopicSpec.CleanupPolicy.COMPACT,
        Topics.spec(Topics.API_KEYS).orElseThrow().cleanupPolicy());
  }

  @Test
  void factsAreKeptForeverBecauseViewsReplayThem() {
    for (String topic : Topics.ALL) {
      TopicSpec s = Topics.spec(topic).orElseThrow();
      assertEquals(Map.of("cleanup.policy", "delete", "retention.ms", "-1"), s.configs(), topic);
    }
    assertEquals(
        String.valueOf(Duration.ofDays(30).toMillis()),
        Topics.spec(Topics.deadLetter("trainer-service"))
            .orElseThrow()
            .configs()
            .get("retention.ms"));
    assertEquals(
        Map.of("cleanup.policy", "compact"), Topics.spec(Topics.API_KEYS).orElseThrow().configs());
  }

  @Test
  void badSpecsNameTheTopicAndField() {
    var e = assertThrows(IllegalArgumentException.class, () -> TopicSpec.facts("a b", 1, ""));
    assertTrue(e.getMessage().contains("'a b'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> TopicSpec.facts("t", 0, ""));
    assertTrue(e.getMessage().contains("t: partitions"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> TopicSpec.expiring("t", 1, Duration.ZERO, ""));
    assertTrue(e.getMessage().contains("t: retention"), e.getMessage());
  }

  @Test
  void theScriptCreatesThenConfiguresEveryTopic() {
    String script = TopicCommands.script(Topics.SPECS, "/opt/kafka/bin", "kafka:9092");
    assertTrue(
        script.contains(
            "/opt/kafka/bin/kafka-topics.sh --bootstrap-server kafka:9092 --create --if-not-exists"
                + " --topic tuneforge.api-keys --partitions 1 --config cleanup.policy=compact\n"),
        script);
    assertTrue(
        script.contains(
            "--entity-name tuneforge.training.requests --add-config cleanup.policy=delete,retention.ms=-1\n"),
        script);
    assertEquals(2 + 2 * Topics.SPECS.size(), script.lines().count());
  }
}
