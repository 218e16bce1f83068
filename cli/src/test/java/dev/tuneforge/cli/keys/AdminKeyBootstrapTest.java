package dev.tuneforge.cli.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.events.ApiKeyIssued;
import dev.tuneforge.events.ApiKeySecrets;
import dev.tuneforge.events.EventCodec;
import dev.tuneforge.events.Topics;
import dev.tuneforge.stack.LocalStack;
import dev.tuneforge.stack.StackSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first admin key: one ApiKeyIssued on the real broker (hash only), the secret in a 600 file,
 * once.
 */
class AdminKeyBootstrapTest {

  @Test
  void firstUpIssuesOneAdminKeyAndLaterUpsKeepIt(@TempDir Path dir) throws Exception {
    try (LocalStack stack =
        LocalStack.start(StackSettings.defaults(dir.resolve("stack")).withFreePorts())) {
      String bootstrap = stack.serviceConfig().get("kafka.bootstrap.servers");
      Path keyFile = dir.resolve("data/admin-key");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      AdminKeyBootstrap.ensure(
          keyFile, bootstrap, new PrintStream(out, true, StandardCharsets.UTF_8));
      String secret = Files.readString(keyFile).strip();
      assertTrue(secret.matches("tf-[A-Za-z0-9_-]{43}"), secret);
      assertEquals(
          "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
      assertTrue(
          out.toString(StandardCharsets.UTF_8).contains(keyFile.toString()),
          "says where the key is");
      assertFalse(out.toString(StandardCharsets.UTF_8).contains(secret), "never prints the secret");

      AdminKeyBootstrap.ensure(
          keyFile,
          bootstrap,
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      assertEquals(secret, Files.readString(keyFile).strip(), "a second up keeps the key");

      // A secured cluster's client settings (here harmless ones) go to the producer; a second
      // installation's key file gets its own key.
      Path otherFile = dir.resolve("other/admin-key");
      AdminKeyBootstrap.ensure(
          otherFile,
          bootstrap,
          Map.of("client.id", "tuneforge-bootstrap-test", "compression.type", "gzip"),
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      assertTrue(Files.readString(otherFile).strip().startsWith("tf-"));

      List<String> records = readAll(bootstrap);
      assertEquals(2, records.size(), records.toString());
      assertFalse(records.get(0).contains(secret.substring(3)), "the topic holds no secret");
      ApiKeyIssued issued = (ApiKeyIssued) new EventCodec().decode(records.get(0)).payload();
      assertEquals(ApiKeySecrets.sha256(secret), issued.secretSha256());
      assertEquals("default", issued.team());
      assertEquals("admin", issued.role());
    }
  }

  @Test
  void clientSettingsReachTheProducerAndABadOneWritesNoKey(@TempDir Path dir) {
    Path keyFile = dir.resolve("admin-key");
    var e =
        org.junit.jupiter.api.Assertions.assertThrows(
            org.apache.kafka.common.config.ConfigException.class,
            () ->
                AdminKeyBootstrap.ensure(
                    keyFile,
                    "127.0.0.1:1",
                    Map.of("security.protocol", "SASL_NOPE"),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains("security.protocol"), e.getMessage());
    assertFalse(Files.exists(keyFile), "no key file for a key that was never written");
  }

  @Test
  void kafkaPropertiesKeepEverythingAfterTheFirstEquals() {
    String jaas =
        "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"trainer\" password=\"p=w\";";
    var parsed =
        new picocli.CommandLine(new KeysCommand())
            .parseArgs(
                "bootstrap",
                "--kafka",
                "kafka:9093",
                "--file",
                "admin-key",
                "--kafka-property",
                "security.protocol=SASL_SSL",
                "--kafka-property",
                "sasl.jaas.config=" + jaas);
    var bootstrap = (KeysCommand.Bootstrap) parsed.subcommand().commandSpec().userObject();
    assertEquals(
        Map.of("security.protocol", "SASL_SSL", "sasl.jaas.config", jaas),
        bootstrap.kafkaProperties);
  }

  private static List<String> readAll(String bootstrap) {
    List<String> values = new ArrayList<>();
    try (var c =
        new KafkaConsumer<>(
            Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                "admin-key-test",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      c.subscribe(List.of(Topics.API_KEYS));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      // Both ensure() calls returned after the broker's ack, so everything is there; read for a
      // few polls past the first record to see that no second one follows.
      int quiet = 0;
      while (System.nanoTime() < deadline && quiet < 10) {
        var polled = c.poll(Duration.ofMillis(300));
        polled.forEach(r -> values.add(r.value()));
        quiet = values.isEmpty() ? 0 : quiet + 1;
      }
    }
    return values;
  }
}
