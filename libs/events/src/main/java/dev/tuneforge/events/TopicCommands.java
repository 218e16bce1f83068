package dev.tuneforge.events;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Renders {@link Topics#SPECS} as a shell script of Kafka's own CLI tools, for the places that
 * create topics outside the JVM: docker-compose's {@code kafka-init} service and the Kubernetes
 * {@code tuneforge-topics} job embed its output, and a test checks their copies match it. Each
 * topic is created if missing, then its settings are applied, so re-running the script after the
 * table changed brings existing topics in line (partitions can only be added by hand).
 */
public final class TopicCommands {

  public static final String HEADER =
      "# Generated from Topics.SPECS (libs/events) by TopicCommands; a test checks this copy.";

  private TopicCommands() {}

  /**
   * @param kafkaBin the folder with {@code kafka-topics.sh} ({@code /opt/kafka/bin} in the
   *     apache/kafka image)
   * @param bootstrap the broker address as the shell should see it (a literal or a quoted variable)
   */
  public static String script(List<TopicSpec> specs, String kafkaBin, String bootstrap) {
    StringBuilder out = new StringBuilder();
    out.append(HEADER).append('\n');
    out.append("set -e\n");
    for (TopicSpec s : specs) {
      Map<String, String> configs = s.configs();
      out.append(kafkaBin)
          .append("/kafka-topics.sh --bootstrap-server ")
          .append(bootstrap)
          .append(" --create --if-not-exists --topic ")
          .append(s.name())
          .append(" --partitions ")
          .append(s.partitions());
      configs.forEach((k, v) -> out.append(" --config ").append(k).append('=').append(v));
      out.append('\n');
      out.append(kafkaBin)
          .append("/kafka-configs.sh --bootstrap-server ")
          .append(bootstrap)
          .append(" --alter --entity-type topics --entity-name ")
          .append(s.name())
          .append(" --add-config ")
          .append(
              configs.entrySet().stream()
                  .map(e -> e.getKey() + "=" + e.getValue())
                  .collect(Collectors.joining(",")))
          .append('\n');
    }
    return out.toString();
  }

  /** Prints the script for {@link Topics#SPECS}: {@code TopicCommands [KAFKA_BIN BOOTSTRAP]}. */
  public static void main(String[] args) {
    String bin = args.length > 0 ? args[0] : "/opt/kafka/bin";
    String bootstrap = args.length > 1 ? args[1] : "\"$KAFKA_BOOTSTRAP_SERVERS\"";
    System.out.print(script(Topics.SPECS, bin, bootstrap));
  }
}
