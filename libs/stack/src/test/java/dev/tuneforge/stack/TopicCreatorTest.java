package dev.tuneforge.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tuneforge.events.TopicSpec;
import dev.tuneforge.events.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Topics come from their specs: created when missing, brought back in line when changed. */
class TopicCreatorTest {

  @TempDir Path dir;

  @Test
  void createsEveryDeclaredTopicAndRestoresChangedSettings() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, Ports.free(), Ports.free());
        Admin admin =
            Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      TopicSpec grown = TopicSpec.expiring("creator-test", 1, Duration.ofHours(1), "test");
      TopicCreator.ensure(kafka.bootstrapServers(), Topics.SPECS);
      TopicCreator.ensure(kafka.bootstrapServers(), List.of(grown));
      for (TopicSpec s : Topics.SPECS) {
        assertMatches(admin, s);
      }
      // Someone changed a setting by hand; and the table now asks for more partitions.
      var keys = new ConfigResource(ConfigResource.Type.TOPIC, Topics.API_KEYS);
      admin
          .incrementalAlterConfigs(
              Map.of(
                  keys,
                  List.of(
                      new AlterConfigOp(
                          new ConfigEntry("cleanup.policy", "delete"), AlterConfigOp.OpType.SET))))
          .all()
          .get();
      TopicSpec more = TopicSpec.expiring("creator-test", 2, Duration.ofHours(2), "test");
      TopicCreator.ensure(kafka.bootstrapServers(), Topics.SPECS);
      TopicCreator.ensure(kafka.bootstrapServers(), List.of(more));
      assertMatches(admin, Topics.spec(Topics.API_KEYS).orElseThrow());
      assertMatches(admin, more);
    }
  }

  static void assertMatches(Admin admin, TopicSpec s) throws Exception {
    var description = admin.describeTopics(List.of(s.name())).allTopicNames().get().get(s.name());
    assertEquals(s.partitions(), description.partitions().size(), s.name() + " partitions");
    var resource = new ConfigResource(ConfigResource.Type.TOPIC, s.name());
    Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
    s.configs().forEach((k, v) -> assertEquals(v, config.get(k).value(), s.name() + " " + k));
  }
}
