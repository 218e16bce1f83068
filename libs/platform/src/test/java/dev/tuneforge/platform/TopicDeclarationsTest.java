package dev.tuneforge.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tuneforge.events.TopicCommands;
import dev.tuneforge.events.TopicSpec;
import dev.tuneforge.events.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docker-compose and Kubernetes create the topics of {@link Topics#SPECS}, each with its partitions
 * and cleanup policy: docker-compose's kafka-init script and the Strimzi KafkaTopics of
 * k8s/base/kafka-topics.yaml are generated from the table, checked both as declarations (so a
 * failure names the topic) and as text (so a hand edit cannot drift). To regenerate after changing
 * the table: {@code java -cp libs/events/target/classes dev.tuneforge.events.TopicCommands
 * /opt/kafka/bin kafka:9092} for docker-compose; this test with {@code -Dtuneforge.regenerate=true}
 * for Kubernetes.
 */
class TopicDeclarationsTest {

  static final Pattern CREATE =
      Pattern.compile(
          "kafka-topics\\.sh --bootstrap-server \\S+ --create --if-not-exists --topic (\\S+) --partitions (\\d+)((?: --config \\S+)*)");

  /** What a script declares: topic → "partitions=N cleanup.policy=… retention.ms=…". */
  static Map<String, String> declared(String script) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = CREATE.matcher(script);
    while (m.find()) {
      out.put(m.group(1), "partitions=" + m.group(2) + m.group(3).replace(" --config ", " "));
    }
    return out;
  }

  static Map<String, String> expected() {
    Map<String, String> out = new LinkedHashMap<>();
    for (TopicSpec s : Topics.SPECS) {
      StringBuilder b = new StringBuilder("partitions=" + s.partitions());
      s.configs().forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
      out.put(s.name(), b.toString());
    }
    return out;
  }

  static void assertDeclaresEveryTopic(String where, String script) {
    Map<String, String> declared = declared(script);
    expected()
        .forEach(
            (topic, settings) ->
                assertEquals(settings, declared.get(topic), where + " declares " + topic));
    assertEquals(
        expected().keySet(), declared.keySet(), where + " declares exactly the table's topics");
  }

  @Test
  void dockerComposeCreatesEveryTopicBeforeTheServicesStart() throws Exception {
    JsonNode services =
        new ObjectMapper(new YAMLFactory())
            .readTree(ComposeFileTest.ROOT.resolve("docker-compose.yml").toFile())
            .get("services");
    JsonNode init = services.get("kafka-init");
    assertTrue(init != null, "docker-compose.yml has no kafka-init service");
    String script = init.get("command").get(0).asText();
    assertDeclaresEveryTopic("docker-compose kafka-init", script);
    assertEquals(
        TopicCommands.script(Topics.SPECS, "/opt/kafka/bin", "kafka:9092"),
        script,
        "docker-compose kafka-init is the generated script");
    for (String service : ComposeFileTest.SERVICES) {
      assertEquals(
          "service_completed_successfully",
          services.get(service).at("/depends_on/kafka-init/condition").asText(),
          service + " waits for kafka-init");
    }
  }

  @Test
  void kubernetesDeclaresEveryTopicAsAKafkaTopic() throws Exception {
    Path file = Manifests.K8S.resolve("base/kafka-topics.yaml");
    String expected = KafkaTopicManifests.render(Topics.SPECS, "tuneforge");
    if (Boolean.getBoolean("tuneforge.regenerate")) {
      Files.writeString(file, expected);
    }
    JsonNode kustomization =
        Manifests.YAML.readTree(Manifests.K8S.resolve("base/kustomization.yaml").toFile());
    boolean listed = false;
    for (JsonNode r : kustomization.get("resources")) {
      listed |= r.asText().equals("kafka-topics.yaml");
    }
    assertTrue(listed, "k8s/base/kustomization.yaml lists kafka-topics.yaml");
    Map<String, JsonNode> declared = new LinkedHashMap<>();
    for (JsonNode doc : Manifests.documents(file)) {
      assertEquals("KafkaTopic", doc.path("kind").asText(), "kafka-topics.yaml holds KafkaTopics");
      declared.put(doc.at("/spec/topicName").asText(), doc);
    }
    for (TopicSpec s : Topics.SPECS) {
      JsonNode t = declared.get(s.name());
      assertTrue(t != null, "k8s/base/kafka-topics.yaml lacks " + s.name());
      assertEquals(s.partitions(), t.at("/spec/partitions").asInt(), s.name() + " partitions");
      Map<String, String> config = new LinkedHashMap<>();
      t.at("/spec/config")
          .fields()
          .forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
      assertEquals(s.configs(), config, s.name() + " settings");
      assertEquals("tuneforge", t.at("/metadata/labels/strimzi.io~1cluster").asText(), s.name());
    }
    assertEquals(expected().keySet(), declared.keySet(), "k8s declares exactly the table's topics");
    assertEquals(
        expected,
        Files.readString(file),
        "k8s/base/kafka-topics.yaml is the generated text; regenerate with -Dtuneforge.regenerate=true"
            + " (see its header)");
  }
}
