package dev.tuneforge.cli.keys;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneforge.cli.client.ApiCommand;
import dev.tuneforge.cli.client.ListOptions;
import dev.tuneforge.cli.client.PlatformClient;
import dev.tuneforge.cli.client.ReadCommand;
import dev.tuneforge.cli.client.Table;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tuneforge keys create|list|revoke}: API keys, through the platform's {@code /v1/keys}
 * (admin key needed).
 */
@Command(
    name = "keys",
    description = "Create, list and revoke API keys (needs an admin key).",
    footer = {"", "Example:", "  tuneforge keys create --team research --role trainer"},
    subcommands = {
      KeysCommand.Create.class,
      KeysCommand.ListKeys.class,
      KeysCommand.Revoke.class,
      KeysCommand.Bootstrap.class
    })
public final class KeysCommand {

  @Command(
      name = "create",
      description = "Issue a key; the secret is printed once, alone on the last line.",
      footer = {"", "Example:", "  tuneforge keys create --team research --role trainer --name ci"})
  static final class Create extends ReadCommand {
    @Option(names = "--team", required = true, description = "The team the key acts for.")
    String team;

    @Option(names = "--role", required = true, description = "viewer, trainer, reviewer or admin.")
    String role;

    @Option(names = "--name", description = "A label for people (who or what uses the key).")
    String name;

    @Override
    protected int run() {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("team", team);
      body.put("role", role);
      if (name != null) {
        body.put("name", name);
      }
      output.print(
          out(),
          client().postText("/v1/keys", body),
          key -> {
            out()
                .println(
                    "created "
                        + key.get("id").asText()
                        + " (team "
                        + key.get("team").asText()
                        + ", role "
                        + key.get("role").asText()
                        + "); the secret is shown only now:");
            out().println(key.get("key").asText());
          });
      return 0;
    }
  }

  @Command(
      name = "list",
      description = "Keys, without secrets (one page; --after pages on).",
      footer = {"", "Example:", "  tuneforge keys list --limit 100"})
  static final class ListKeys extends ReadCommand {
    @Mixin ListOptions page;

    @Override
    protected int run() {
      show(
          page.page("/v1/keys"),
          list -> {
            Table t = new Table("ID", "TEAM", "ROLE", "CREATED", "REVOKED", "NAME");
            for (JsonNode k : list.path("data")) {
              t.row(
                  k.path("id"),
                  k.path("team"),
                  k.path("role"),
                  Table.time(k.path("created_at")),
                  Table.time(k.path("revoked_at")),
                  k.path("name"));
            }
            t.print(out());
            ListOptions.moreHint(err(), list);
          });
      return 0;
    }
  }

  @Command(
      name = "revoke",
      description = "Revoke a key by id: every service refuses it within a second or two.",
      footer = {"", "Example:", "  tuneforge keys revoke key-0123456789abcdef"})
  static final class Revoke extends ApiCommand {
    @Parameters(index = "0", description = "The key id (key-…), as `keys list` shows it.")
    String id;

    @Override
    protected int run() {
      JsonNode key = client().post("/v1/keys/" + PlatformClient.seg(id) + "/revoke", Map.of());
      out()
          .println(
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
              + " for docker-compose or Kubernetes; `up` does this by itself locally. Does nothing if the key file exists.",
      footer = {"", "Example:", "  tuneforge keys bootstrap --kafka kafka:9092 --file ./admin-key"})
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
