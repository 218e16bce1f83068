package dev.tuneforge.cli.evals;

import static dev.tuneforge.cli.client.PlatformClient.seg;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneforge.cli.client.ListOptions;
import dev.tuneforge.cli.client.ReadCommand;
import dev.tuneforge.cli.client.Table;
import dev.tuneforge.cli.client.Text;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tuneforge suites create|list|show}: evaluation suites ({@code /v1/evaluation/suites}). */
@Command(
    name = "suites",
    description = "Regression suites the evaluator runs on base and tuned models (YAML or JSON).",
    footer = {"", "Example:", "  tuneforge suites create -f examples/suites/arithmetic-smoke.yaml"},
    subcommands = {
      SuitesCommand.Create.class,
      SuitesCommand.ListSuites.class,
      SuitesCommand.Show.class
    })
public final class SuitesCommand {

  @Command(
      name = "create",
      description =
          "Store a suite; the same content again answers the existing version (content hash).",
      footer = {
        "",
        "Example:",
        "  tuneforge suites create -f examples/suites/arithmetic-smoke.yaml"
      })
  static final class Create extends ReadCommand {
    @Option(
        names = {"-f", "--file"},
        required = true,
        paramLabel = "SUITE_FILE",
        description = "The suite in YAML or JSON.")
    Path file;

    @Override
    protected int run() throws IOException {
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("no such file: " + file);
      }
      String name = file.getFileName().toString();
      String type = name.endsWith(".json") ? "application/json" : "application/yaml";
      output.print(
          out(),
          client().sendBody("/v1/evaluation/suites", type, Files.readAllBytes(file)),
          s ->
              out()
                  .printf(
                      "%s (%s, %d cases)%n",
                      s.path("ref").asText(),
                      s.path("created").asBoolean() ? "new version" : "identical version reused",
                      s.path("case_count").asInt()));
      return 0;
    }
  }

  @Command(
      name = "list",
      description = "Your team's suites (latest version of each).",
      footer = {"", "Example:", "  tuneforge suites list"})
  static final class ListSuites extends ReadCommand {
    @Mixin ListOptions page;

    @Override
    protected int run() {
      show(
          page.page("/v1/evaluation/suites"),
          list -> {
            Table t = new Table("NAME", "REF", "CASES", "VERSIONS", "CREATED");
            for (JsonNode s : list.path("data")) {
              t.row(
                  s.path("name"),
                  s.path("ref"),
                  s.path("case_count"),
                  s.path("versions").size(),
                  Table.time(s.path("created_at")));
            }
            t.print(out());
            ListOptions.moreHint(err(), list);
          });
      return 0;
    }
  }

  @Command(
      name = "show",
      description = "A suite (name = latest version, or name@version) with its gate and cases.",
      footer = {"", "Example:", "  tuneforge suites show arithmetic-smoke"})
  static final class Show extends ReadCommand {
    @Parameters(index = "0", paramLabel = "NAME[@VERSION]")
    String ref;

    @Override
    protected int run() {
      show(
          "/v1/evaluation/suites/" + seg(ref),
          s -> {
            out().println(s.path("ref").asText() + "  versions " + s.path("versions"));
            JsonNode suite = s.path("suite");
            if (suite.has("gate")) {
              out().println("gate: " + suite.get("gate"));
            }
            Table t = new Table("CASE", "EXPECT", "PROMPT");
            for (JsonNode c : suite.path("cases")) {
              t.row(
                  c.path("id"),
                  Text.oneLine(c.path("expect").toString(), 50),
                  Text.oneLine(
                      c.has("prompt") ? c.path("prompt").asText() : c.path("messages").toString(),
                      60));
            }
            t.print(out());
          });
      return 0;
    }
  }
}
