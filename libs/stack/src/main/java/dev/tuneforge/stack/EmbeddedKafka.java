package dev.tuneforge.stack;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real Apache Kafka broker in KRaft mode (one node, broker + controller) inside this JVM. Its log
 * directory is formatted once and reused, so topics and committed offsets survive a restart,
 * including a {@code kill -9}: Kafka recovers its own logs on start-up.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private final KafkaRaftServer server;
  private final int port;

  private EmbeddedKafka(KafkaRaftServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /**
   * Starts a broker on 127.0.0.1:{@code port} (controller on {@code controllerPort}) with data in
   * {@code dir}.
   */
  public static EmbeddedKafka start(Path dir, int port, int controllerPort) throws Exception {
    Path logDir = dir.toAbsolutePath();
    Files.createDirectories(logDir);
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", "1");
    props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    props.put(
        "listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("controller.listener.names", "CONTROLLER");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("log.dirs", logDir.toString());
    props.put("metadata.log.dir", logDir.toString());
    // One node: every internal topic has one replica and needs one in-sync replica.
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "4");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    props.put("default.replication.factor", "1");
    props.put("min.insync.replicas", "1");
    props.put("num.partitions", "3");
    props.put("auto.create.topics.enable", "true");
    // Consumers join at once instead of waiting 3 s for more members.
    props.put("group.initial.rebalance.delay.ms", "0");
    // The default 128 MiB on-heap dedupe buffer is what made the broker run out of memory in a
    // small heap; compaction of TuneForge's state topics needs far less.
    props.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
    // Flush on the OS's schedule (Kafka's default): a kill -9 of this process loses nothing the
    // page cache holds; only a power loss could.
    props.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));

    KafkaConfig config = new KafkaConfig(props, false);
    if (!Files.exists(logDir.resolve("meta.properties"))) {
      new Formatter()
          .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
          .setClusterId(Uuid.randomUuid().toString())
          .setNodeId(1)
          .setDirectories(List.of(logDir.toString()))
          .setMetadataLogDirectory(logDir.toString())
          .setControllerListenerName("CONTROLLER")
          .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
          .setIgnoreFormatted(true)
          .run();
    }
    KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
    server.startup();
    return new EmbeddedKafka(server, port);
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }
}
