package dev.tuneforge.platform;

import dev.tuneforge.events.TopicSpec;
import java.util.List;

/**
 * Renders {@code Topics.SPECS} as Strimzi {@code KafkaTopic} resources: k8s/base/kafka-topics.yaml
 * is this output, and {@link TopicDeclarationsTest} checks it still is. The topic table stays the
 * one definition; this is its Kubernetes form.
 */
final class KafkaTopicManifests {

  static final String HEADER =
      "# Generated from Topics.SPECS (libs/events) by KafkaTopicManifests (libs/platform tests);"
          + " a test checks this copy.\n"
          + "# After changing the table: mvn -B -q -pl libs/platform -am verify"
          + " -Dtest=TopicDeclarationsTest\n"
          + "#   -Dsurefire.failIfNoSpecifiedTests=false -Dtuneforge.regenerate=true\n"
          + "# No replicas: each topic takes the brokers' default.replication.factor (kafka.yaml: 3;\n"
          + "# the dev overlay's single node: 1), as in every other environment (TopicSpec).\n";

  private KafkaTopicManifests() {}

  static String render(List<TopicSpec> specs, String cluster) {
    StringBuilder out = new StringBuilder(HEADER);
    String sep = "";
    for (TopicSpec s : specs) {
      out.append(sep);
      sep = "---\n";
      out.append("apiVersion: kafka.strimzi.io/v1beta2\n")
          .append("kind: KafkaTopic\n")
          .append("metadata:\n")
          .append("  name: ")
          .append(s.name())
          .append('\n')
          .append("  labels:\n")
          .append("    strimzi.io/cluster: ")
          .append(cluster)
          .append('\n')
          .append("  annotations:\n")
          .append("    tuneforge.dev/purpose: ")
          .append(quoted(s.purpose()))
          .append('\n')
          .append("spec:\n")
          .append("  topicName: ")
          .append(s.name())
          .append('\n')
          .append("  partitions: ")
          .append(s.partitions())
          .append('\n')
          .append("  config:\n");
      s.configs()
          .forEach(
              (k, v) -> out.append("    ").append(k).append(": ").append(quoted(v)).append('\n'));
    }
    return out.toString();
  }

  /** A YAML double-quoted scalar (JSON string rules, which YAML accepts). */
  private static String quoted(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
