package dev.tuneforge.cli.keys;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tuneforge keys create|list|revoke}: API keys, through the platform's {@code /v1/keys}
 * (admin key needed).
 */
@Command(
    name = "keys",
    description = "Create, list and revoke API keys (needs an admin key).",
    subcommands = {
      KeysCommand.Create.class,
      KeysCommand.ListKeys.class,
      KeysCommand.Revoke.class,
      KeysCommand.Bootstrap.class
    })
public final class KeysCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(
      name = "create",
      description = "Issue a key; the secret is printed once, alone on the last line.")
  static final class Create implements Callable<Integer> {
    @Option(names = "--team", required = true, description = "The team the key acts for.")
    String team;

    @Option(names = "--role", required = true, description = "viewer, trainer, reviewer or admin.")
    String role;

    @Option(names = "--name", description = "A label for people (who or what uses the key).")
    String name;

    @Override
    public Integer call() throws Exception {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("team", team);
      body.put("role", role);
      if (name != null) {
        body.put("name", name);
      }
      JsonNode key = PlatformClient.fromEnvironment().post("/v1/keys", body);
      System.out.println(
          "created "
              + key.get("id").asText()
              + " (team "
              + key.get("team").asText()
              + ", role "
              + key.get("role").asText()
              + "); the secret is shown only now:");
      System.out.println(key.get("key").asText());
      return 0;
    }
  }

  @Command(name = "list", description = "Every key, without secrets.")
  static final class ListKeys implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      PlatformClient client = PlatformClient.fromEnvironment();
      System.out.printf(
          "%-26s %-16s %-9s %-21s %-21s %s%n", "ID", "TEAM", "ROLE", "CREATED", "REVOKED", "NAME");
      String after = null;
      do {
        JsonNode page = client.get("/v1/keys?limit=100" + (after == null ? "" : "&after=" + after));
        for (JsonNode k : page.get("data")) {
          System.out.printf(
              "%-26s %-16s %-9s %-21s %-21s %s%n",
              k.get("id").asText(),
              k.get("team").asText(),
              k.get("role").asText(),
              time(k.get("created_at")),
              time(k.get("revoked_at")),
              k.get("name").asText());
        }
        after = page.path("has_more").asBoolean() ? page.get("last_id").asText() : null;
      } while (after != null);
      return 0;
    }

    private static String time(JsonNode epochSeconds) {
      return epochSeconds == null || epochSeconds.isNull()
          ? "-"
          : Instant.ofEpochSecond(epochSeconds.asLong()).toString();
    }
  }

  @Command(
      name = "revoke",
      description = "Revoke a key by id: every service refuses it within a second or two.")
  static final class Revoke implements Callable<Integer> {
    @Parameters(index = "0", description = "The key id (key-…), as `keys list` shows it.")
    String id;

    @Override
    public Integer call() throws Exception {
      JsonNode key = PlatformClient.fromEnvironment().post("/v1/keys/" + id + "/revoke", Map.of());
      System.out.println(
          "revoked "
              + key.get("id").asText()
              + " at "
              + Instant.ofEpochSecond(key.get("revoked_at").asLong()));
      return 0;
    }
  }

  @Command(
      name = "bootstrap",
      description =
          "Write a first admin key (team default) straight to a Kafka cluster you operate,"
              + " for docker-compose or Kubernetes; `up` does this by itself locally. Does nothing if the key file exists.")
  static final class Bootstrap implements Callable<Integer> {
    @Option(
        names = "--kafka",
        required = true,
        description = "The cluster's bootstrap servers (host:port,...).")
    String kafka;

    @Option(
        names = "--file",
        required = true,
        description = "Where to write the secret (created with mode 600).")
    java.nio.file.Path file;

    @Option(
        names = "--kafka-property",
        paramLabel = "KEY=VALUE",
        description =
            "A Kafka client setting for a secured cluster (repeatable), e.g."
                + " --kafka-property security.protocol=SASL_SSL"
                + " --kafka-property sasl.mechanism=SCRAM-SHA-512"
                + " --kafka-property 'sasl.jaas.config=...'.")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
      AdminKeyBootstrap.ensure(file.toAbsolutePath(), kafka, kafkaProperties, System.out);
      return 0;
    }
  }
}
