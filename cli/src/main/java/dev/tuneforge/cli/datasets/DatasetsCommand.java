package dev.tuneforge.cli.datasets;

import static dev.tuneforge.cli.client.PlatformClient.seg;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneforge.cli.client.ListOptions;
import dev.tuneforge.cli.client.PlatformClient;
import dev.tuneforge.cli.client.ReadCommand;
import dev.tuneforge.cli.client.Table;
import dev.tuneforge.cli.client.Values;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tuneforge datasets create|list|show|preview}: curated, versioned datasets. */
@Command(
    name = "datasets",
    description = "Curate uploaded files into dataset versions; list, show and preview them.",
    footer = {
      "",
      "Example:",
      "  tuneforge datasets create chats --file file-1a2b3c --option pii=redact"
    },
    subcommands = {
      DatasetsCommand.Create.class,
      DatasetsCommand.ListDatasets.class,
      DatasetsCommand.Show.class,
      DatasetsCommand.Preview.class
    })
public final class DatasetsCommand {

  @Command(
      name = "create",
      description =
          "Curate files into a new version of a dataset (or get the identical version back).",
      footer = {
        "",
        "Example:",
        "  tuneforge datasets create chats --file file-1a2b3c --option validation_ratio=0.1"
            + " --option near_dedup=true"
      })
  static final class Create extends ReadCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The dataset's name.")
    String name;

    @Option(
        names = "--file",
        required = true,
        paramLabel = "FILE_ID",
        description = "An uploaded training file (repeatable).")
    List<String> files;

    @Option(
        names = "--validation-file",
        paramLabel = "FILE_ID",
        description = "An uploaded file to use as the validation split.")
    String validationFile;

    @Option(
        names = "--option",
        paramLabel = "KEY=VALUE",
        description =
            "A curation option by its API name (repeatable): validation_ratio=0.1, pii=redact,"
                + " near_dedup=true, … Numbers and true/false are sent as such.")
    Map<String, String> options = new LinkedHashMap<>();

    @Option(
        names = "--min-train-records",
        paramLabel = "N",
        description = "Refuse a result with fewer training records (server default 10).")
    Integer minTrainRecords;

    @Override
    protected int run() {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("name", name);
      body.put("training_files", files);
      if (validationFile != null) {
        body.put("validation_file", validationFile);
      }
      Map<String, Object> typed = new LinkedHashMap<>();
      options.forEach((k, v) -> typed.put(k, Values.typed(v)));
      body.put("options", typed);
      if (minTrainRecords != null) {
        body.put("min_train_records", minTrainRecords);
      }
      output.print(
          out(),
          client().postText("/v1/datasets", body),
          v -> {
            JsonNode counts = v.at("/manifest/metadata/counts");
            out()
                .printf(
                    "%s@%s (%s): %d train, %d validation, %d dropped%n",
                    v.path("name").asText(),
                    v.path("version").asText(),
                    v.path("created").asBoolean() ? "new version" : "identical version reused",
                    counts.path("train").asLong(),
                    counts.path("validation").asLong(),
                    counts.path("dropped").asLong());
          });
      return 0;
    }
  }

  @Command(
      name = "list",
      description = "Your team's datasets with their versions.",
      footer = {"", "Example:", "  tuneforge datasets list --output json"})
  static final class ListDatasets extends ReadCommand {
    @Mixin ListOptions page;

    @Override
    protected int run() {
      show(
          page.page("/v1/datasets"),
          list -> {
            Table t = new Table("NAME", "LATEST", "VERSIONS");
            for (JsonNode d : list.path("data")) {
              t.row(d.path("name"), d.path("latest"), d.path("versions").size());
            }
            t.print(out());
            ListOptions.moreHint(err(), list);
          });
      return 0;
    }
  }

  @Command(
      name = "show",
      description =
          "A dataset's versions, or one version (NAME@VERSION) with its counts and the curation"
              + " report (kept and dropped per rule).",
      footer = {"", "Example:", "  tuneforge datasets show chats@3f9a0c1d2e4b"})
  static final class Show extends ReadCommand {
    @Parameters(index = "0", paramLabel = "NAME[@VERSION]")
    String ref;

    @Override
    protected int run() {
      int at = ref.indexOf('@');
      if (at < 0) {
        show(
            "/v1/datasets/" + seg(ref),
            d -> {
              out()
                  .println(d.path("name").asText() + " (latest " + d.path("latest").asText() + ")");
              for (JsonNode v : d.path("versions")) {
                out().println("  " + d.path("name").asText() + "@" + v.asText());
              }
            });
        return 0;
      }
      show(
          "/v1/datasets/" + seg(ref.substring(0, at)) + "/versions/" + seg(ref.substring(at + 1)),
          this::version);
      return 0;
    }

    private void version(JsonNode v) {
      JsonNode counts = v.at("/manifest/metadata/counts");
      out()
          .printf(
              "%s@%s  %s%n  %d train, %d validation, %d dropped%n",
              v.path("name").asText(),
              v.path("version").asText(),
              v.path("uri").asText(),
              counts.path("train").asLong(),
              counts.path("validation").asLong(),
              counts.path("dropped").asLong());
      Table t = new Table("RULE", "DROPPED", "CHANGED");
      for (JsonNode rule : v.at("/report/rules")) {
        if (rule.path("enabled").asBoolean(true)) {
          t.row(rule.path("rule"), rule.path("dropped"), rule.path("changed"));
        }
      }
      t.print(out());
    }
  }

  @Command(
      name = "preview",
      description = "The first records of a version's train or validation split.",
      footer = {"", "Example:", "  tuneforge datasets preview chats@3f9a0c1d2e4b --limit 3"})
  static final class Preview extends ReadCommand {
    @Parameters(index = "0", paramLabel = "NAME@VERSION")
    String ref;

    @Option(names = "--split", defaultValue = "train", description = "train or validation.")
    String split;

    @Option(names = "--limit", defaultValue = "5", description = "How many records (1-1000).")
    int limit;

    @Override
    protected int run() {
      int at = ref.indexOf('@');
      if (at < 1) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(), "NAME@VERSION expected, was '" + ref + "'");
      }
      show(
          PlatformClient.query(
              "/v1/datasets/"
                  + seg(ref.substring(0, at))
                  + "/versions/"
                  + seg(ref.substring(at + 1))
                  + "/preview",
              "split",
              split,
              "limit",
              limit),
          p -> {
            int i = 0;
            for (JsonNode record : p.path("data")) {
              out().println("#" + ++i);
              for (JsonNode m : record.path("messages")) {
                out().println("  " + m.path("role").asText() + ": " + m.path("content").asText());
              }
              if (!record.has("messages")) {
                out().println("  " + record);
              }
            }
          });
      return 0;
    }
  }
}
