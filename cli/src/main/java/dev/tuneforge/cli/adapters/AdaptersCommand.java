package dev.tuneforge.cli.adapters;

import static dev.tuneforge.cli.client.PlatformClient.seg;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneforge.cli.client.ApiCommand;
import dev.tuneforge.cli.client.Downloads;
import dev.tuneforge.cli.client.ListOptions;
import dev.tuneforge.cli.client.PlatformClient;
import dev.tuneforge.cli.client.ReadCommand;
import dev.tuneforge.cli.client.Table;
import dev.tuneforge.cli.client.Text;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tuneforge adapters …}: the registry ({@code /v1/registry/adapters}). */
@Command(
    name = "adapters",
    description =
        "The registry: adapters and their versions, stages, lineage, downloads and exports.",
    footer = {"", "Example:", "  tuneforge adapters promote chats 2 --stage production"},
    subcommands = {
      AdaptersCommand.ListAdapters.class,
      AdaptersCommand.Show.class,
      AdaptersCommand.Promote.class,
      AdaptersCommand.Archive.class,
      AdaptersCommand.Download.class,
      AdaptersCommand.Export.class
    })
public final class AdaptersCommand {

  static String version(String name, String version) {
    return "/v1/registry/adapters/" + seg(name) + "/versions/" + seg(version);
  }

  @Command(
      name = "list",
      description = "Your team's adapters, by name.",
      footer = {
        "",
        "Example:",
        "  tuneforge adapters list --stage production --metric 'exact_match>=0.5'"
      })
  static final class ListAdapters extends ReadCommand {
    @Mixin ListOptions page;

    @Option(names = "--stage", description = "Only adapters with a version in this stage.")
    String stage;

    @Option(names = "--base", description = "Only adapters with a version on this base model.")
    String base;

    @Option(
        names = "--metric",
        paramLabel = "FILTER",
        description = "Only adapters with a version meeting it, e.g. exact_match>=0.5.")
    String metric;

    @Override
    protected int run() {
      show(
          page.page("/v1/registry/adapters", "base", base, "stage", stage, "metric", metric),
          list -> {
            Table t = new Table("NAME", "BASE MODEL", "LATEST", "ALIASES", "CREATED");
            for (JsonNode a : list.path("data")) {
              t.row(
                  a.path("name"),
                  a.path("base_model"),
                  a.path("latest_version"),
                  aliases(a.path("aliases")),
                  Table.time(a.path("created_at")));
            }
            t.print(out());
            ListOptions.moreHint(err(), list);
          });
      return 0;
    }
  }

  static String aliases(JsonNode aliases) {
    // an adapter's aliases map alias -> version; a version's are a list of names
    java.util.List<String> parts = new java.util.ArrayList<>();
    if (aliases.isObject()) {
      aliases.fields().forEachRemaining(e -> parts.add(e.getKey() + "=" + e.getValue().asText()));
    } else {
      aliases.forEach(a -> parts.add(a.asText()));
    }
    return parts.isEmpty() ? "-" : String.join(", ", parts);
  }

  @Command(
      name = "show",
      description =
          "An adapter's versions, or one version (number or alias) with its training, evaluation,"
              + " stage history and lineage.",
      footer = {"", "Example:", "  tuneforge adapters show chats production"})
  static final class Show extends ReadCommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", arity = "0..1", paramLabel = "VERSION")
    String version;

    @Override
    protected int run() {
      if (version == null) {
        show(
            "/v1/registry/adapters/" + seg(name),
            a -> {
              out()
                  .printf(
                      "%s  base %s  aliases %s%n",
                      a.path("name").asText(),
                      a.path("base_model").asText(),
                      aliases(a.path("aliases")));
              Table t = new Table("VERSION", "STAGE", "ALIASES", "EVALUATION", "FINE-TUNED MODEL");
              for (JsonNode v : a.path("versions")) {
                t.row(
                    v.path("version"),
                    v.path("stage"),
                    aliases(v.path("aliases")),
                    v.path("evaluation_passed").isNull()
                        ? "none yet"
                        : v.path("evaluation_passed").asBoolean() ? "passed" : "failed",
                    v.path("fine_tuned_model"));
              }
              t.print(out());
            });
        return 0;
      }
      show(
          version(name, version),
          v -> {
            Table t = new Table("FIELD", "VALUE");
            t.row("id", v.path("id"));
            t.row("fine_tuned_model", v.path("fine_tuned_model"));
            t.row("stage", v.path("stage"));
            t.row("aliases", aliases(v.path("aliases")));
            t.row("created", Table.time(v.path("created_at")));
            t.row("job", v.path("job_id"));
            t.row("method", v.path("method"));
            t.row("base", v.path("base_model").asText() + "@" + v.path("base_revision").asText());
            t.row(
                "dataset",
                v.at("/dataset/name").asText() + "@" + v.at("/dataset/version").asText());
            t.row("artifact", v.at("/artifact/uri"));
            t.row("steps", v.at("/training/steps"));
            t.row("final loss", v.at("/training/final_loss"));
            JsonNode e = v.path("evaluation");
            t.row(
                "evaluation",
                e.isNull() || e.isMissingNode()
                    ? "none yet"
                    : e.path("id").asText()
                        + (e.path("passed").asBoolean() ? " passed" : " failed"));
            t.print(out());
            if (e.isObject()) {
              Table m = new Table("METRIC", "BASE", "TUNED");
              for (Iterator<String> it = e.path("metrics").fieldNames(); it.hasNext(); ) {
                String k = it.next();
                m.row(k, e.path("base_metrics").path(k), e.path("metrics").path(k));
              }
              m.print(out());
              for (JsonNode r : e.path("reasons")) {
                out().println("  - " + (r.isTextual() ? r.asText() : Text.reason(r)));
              }
            }
            for (JsonNode h : v.path("history")) {
              out()
                  .printf(
                      "%s  %s by %s (%s)%s%s%n",
                      Table.time(h.path("at")),
                      h.path("alias").asText(),
                      h.path("by").asText(),
                      h.path("role").asText(),
                      h.path("forced").asBoolean() ? " FORCED" : "",
                      h.hasNonNull("reason") ? ": " + h.get("reason").asText() : "");
            }
          });
      return 0;
    }
  }

  @Command(
      name = "promote",
      description =
          "Move a version to staging or production (a reviewer key; production needs a passed"
              + " evaluation, or an admin's --force with a --reason), or point a custom alias at it.",
      footer = {"", "Example:", "  tuneforge adapters promote chats 2 --stage production"})
  static final class Promote extends ReadCommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "VERSION")
    String version;

    @Option(names = "--stage", description = "staging or production.")
    String stage;

    @Option(names = "--alias", description = "A custom alias instead of a stage.")
    String alias;

    @Option(names = "--force", description = "Admin only: production without a passed evaluation.")
    boolean force;

    @Option(names = "--reason", description = "Why (recorded; required with --force).")
    String reason;

    @Override
    protected int run() {
      if ((stage == null) == (alias == null)) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(), "give exactly one of --stage and --alias");
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("stage", stage);
      body.put("alias", alias);
      if (force) {
        body.put("force", true);
      }
      body.put("reason", reason);
      body.values().removeIf(java.util.Objects::isNull);
      output.print(
          out(),
          client().postText(version(name, version) + "/promote", body),
          v ->
              out()
                  .printf(
                      "%s is now %s (aliases %s)%n",
                      v.path("id").asText(), v.path("stage").asText(), aliases(v.path("aliases"))));
      return 0;
    }
  }

  @Command(
      name = "archive",
      description = "Archive a version: no longer listed as a model or served (reviewer key).",
      footer = {"", "Example:", "  tuneforge adapters archive chats 1 --reason 'superseded by v2'"})
  static final class Archive extends ApiCommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "VERSION")
    String version;

    @Option(names = "--reason", description = "Why (recorded).")
    String reason;

    @Override
    protected int run() {
      JsonNode v =
          client()
              .post(
                  version(name, version) + "/archive",
                  reason == null ? Map.of() : Map.of("reason", reason));
      out().println(v.path("id").asText() + " is now " + v.path("stage").asText());
      return 0;
    }
  }

  @Command(
      name = "download",
      description =
          "Download a version's files (PEFT adapter + model card) into a folder, each checked"
              + " against its sha256.",
      footer = {
        "",
        "Example:",
        "  tuneforge adapters download chats production --out ./chats-adapter"
      })
  static final class Download extends ReadCommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "VERSION")
    String version;

    @Option(
        names = "--out",
        paramLabel = "DIR",
        description = "Where to put the files; without it, only the presigned URLs are printed.")
    Path out;

    @Override
    protected int run() throws IOException {
      String raw = client().getText(version(name, version) + "/download");
      JsonNode d = PlatformClient.parse(raw);
      if (out == null) {
        output.print(
            out(),
            raw,
            x -> {
              for (JsonNode f : d.path("files")) {
                out().println(f.path("path").asText() + "  " + f.path("url").asText());
              }
            });
        return 0;
      }
      long bytes = Downloads.fetch(d.path("files"), out, out());
      out()
          .printf(
              "%s: %d files, %d bytes in %s%n",
              d.path("id").asText(), d.path("files").size(), bytes, out);
      return 0;
    }
  }

  @Command(
      name = "export",
      description =
          "Export a version as peft, merged (HF folder), gguf (--type f32|f16|q8_0|q4_0) or"
              + " gguf-lora; waits for the export and, with --out, downloads it.",
      footer = {
        "",
        "Example:",
        "  tuneforge adapters export chats production --format gguf --type q8_0 --out ./gguf"
      })
  static final class Export extends ReadCommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "VERSION")
    String version;

    @Option(names = "--format", required = true, description = "peft, merged, gguf or gguf-lora.")
    String format;

    @Option(names = "--type", description = "For gguf: f32, f16, q8_0 or q4_0.")
    String type;

    @Option(names = "--no-wait", description = "Start the export and return at once.")
    boolean noWait;

    @Option(
        names = "--timeout",
        defaultValue = "PT1H",
        description = "How long to wait (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--out", paramLabel = "DIR", description = "Download the export here.")
    Path out;

    @Override
    protected int run() throws Exception {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("format", format);
      if (type != null) {
        body.put("type", type);
      }
      String path = version(name, version) + "/exports";
      String raw = client().postText(path, body);
      JsonNode e = PlatformClient.parse(raw);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!noWait
          && ("queued".equals(e.path("status").asText())
              || "running".equals(e.path("status").asText()))) {
        if (System.nanoTime() > deadline) {
          err()
              .println(
                  "export "
                      + e.path("id").asText()
                      + " still "
                      + e.path("status").asText()
                      + " after "
                      + timeout);
          return 1;
        }
        Thread.sleep(1000);
        raw = client().getText(path + "/" + seg(e.path("id").asText()));
        e = PlatformClient.parse(raw);
      }
      JsonNode done = e;
      output.print(
          out(),
          raw,
          x ->
              out()
                  .printf(
                      "export %s of %s v%s: %s%s%n",
                      done.path("id").asText(),
                      done.path("name").asText(),
                      done.path("version").asText(),
                      done.path("status").asText(),
                      done.hasNonNull("error")
                          ? ": " + done.get("error").asText()
                          : done.hasNonNull("uri") ? " at " + done.get("uri").asText() : ""));
      if ("failed".equals(done.path("status").asText())) {
        return 1;
      }
      if (out != null && "succeeded".equals(done.path("status").asText())) {
        Downloads.fetch(done.path("files"), out, out());
      }
      return 0;
    }
  }
}
