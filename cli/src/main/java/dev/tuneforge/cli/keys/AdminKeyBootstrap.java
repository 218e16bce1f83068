package dev.tuneforge.cli.keys;

import dev.tuneforge.events.ApiKeyIssued;
import dev.tuneforge.events.ApiKeySecrets;
import dev.tuneforge.events.EventCodec;
import dev.tuneforge.events.EventEnvelope;
import dev.tuneforge.events.Topics;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The first admin key of a local installation. Nobody holds a key yet, so none can be issued over
 * the API; the operator owns the broker, so {@code up} writes the {@code ApiKeyIssued} record
 * straight to the key topic (acknowledged by the broker) and only then the secret to the key file.
 */
public final class AdminKeyBootstrap {
  private AdminKeyBootstrap() {}

  /** Creates the admin key of team {@code default} unless the key file exists; says where it is. */
  public static void ensure(Path keyFile, String bootstrapServers, PrintStream out)
      throws Exception {
    ensure(keyFile, bootstrapServers, Map.of(), out);
  }

  /**
   * As {@link #ensure(Path, String, PrintStream)}, for a secured cluster: {@code clientSettings}
   * are Kafka client settings (TLS, SASL) added to the producer's; they cannot weaken the write
   * (acks, idempotence) or change the brokers.
   */
  public static void ensure(
      Path keyFile, String bootstrapServers, Map<String, String> clientSettings, PrintStream out)
      throws Exception {
    if (Files.exists(keyFile)) {
      out.println("admin key: " + keyFile);
      return;
    }
    String secret = ApiKeySecrets.newSecret();
    ApiKeyIssued issued =
        new ApiKeyIssued(
            ApiKeySecrets.newId(),
            "admin (tuneforge up)",
            "default",
            "admin",
            ApiKeySecrets.sha256(secret),
            Instant.now());
    byte[] value = new EventCodec().encode(EventEnvelope.of(issued, "tuneforge-cli"));
    Map<String, Object> config = new HashMap<>(clientSettings);
    config.putAll(
        Map.<String, Object>of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true,
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
            20_000,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
            60_000));
    try (var producer =
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      producer
          .send(new ProducerRecord<>(Topics.API_KEYS, issued.key(), value))
          .get(60, TimeUnit.SECONDS);
    }
    ApiKeyFile.writePrivate(keyFile, secret);
    out.println(
        "admin key: created "
            + issued.keyId()
            + " (team default, role admin); the secret is in "
            + keyFile
            + " (mode 600). Use it as: -H \"Authorization: Bearer $(cat "
            + keyFile
            + ")\"");
  }
}
