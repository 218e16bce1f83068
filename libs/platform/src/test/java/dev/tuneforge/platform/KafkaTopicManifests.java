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
          + "# Replicas: 3 (three Kafka nodes); the dev overlay sets 1.\n";

  private KafkaTopicManifests() {}

  static String render(List<TopicSpec> specs, String cluster, int replicas) {
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
          .append("  replicas: ")
          .append(replicas)
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
