package dev.tuneforge.cli.evals;

import static dev.tuneforge.cli.client.PlatformClient.seg;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneforge.cli.client.ListOptions;
import dev.tuneforge.cli.client.ReadCommand;
import dev.tuneforge.cli.client.Table;
import dev.tuneforge.cli.client.Text;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tuneforge evals list|show|run}: evaluations ({@code /v1/evaluations}). */
@Command(
    name = "evals",
    description =
        "Evaluations: base vs tuned metrics, the gate's verdict, every case side by side.",
    footer = {"", "Example:", "  tuneforge evals list --job ftjob-0123456789abcdef01234567"},
    subcommands = {EvalsCommand.ListEvals.class, EvalsCommand.Show.class, EvalsCommand.Run.class})
public final class EvalsCommand {

  @Command(
      name = "list",
      description = "Your team's evaluations, newest first.",
      footer = {"", "Example:", "  tuneforge evals list --job ftjob-0123456789abcdef01234567"})
  static final class ListEvals extends ReadCommand {
    @Mixin ListOptions page;

    @Option(names = "--job", paramLabel = "JOB_ID", description = "Only this job's evaluation.")
    String job;

    @Override
    protected int run() {
      show(
          page.page("/v1/evaluations", "job_id", job),
          list -> {
            Table t = new Table("ID", "JOB", "STATUS", "SUITE", "GATE", "CREATED");
            for (JsonNode e : list.path("data")) {
              t.row(
                  e.path("id"),
                  e.path("job_id"),
                  e.path("status"),
                  e.path("suite"),
                  e.has("passed") ? (e.path("passed").asBoolean() ? "passed" : "failed") : null,
                  Table.time(e.path("created_at")));
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
          "One evaluation: every metric of base and tuned model side by side, the gate's verdict"
              + " with each failed condition, and the suite's cases.",
      footer = {"", "Example:", "  tuneforge evals show eval-0123456789abcdef --output json"})
  static final class Show extends ReadCommand {
    @Parameters(index = "0", paramLabel = "EVALUATION_ID")
    String id;

    @Override
    protected int run() {
      show("/v1/evaluations/" + seg(id), e -> print(out(), e));
      return 0;
    }
  }

  /** An evaluation for people: metrics table, gate, reasons, cases. */
  static void print(PrintWriter out, JsonNode e) {
    out.printf(
        "%s  job %s  %s  suite %s%n",
        e.path("id").asText(),
        e.path("job_id").asText(),
        e.path("status").asText(),
        Table.value(e.path("suite")));
    if (e.hasNonNull("error")) {
      out.println("error: " + e.at("/error/message").asText());
      return;
    }
    Table metrics = new Table("METRIC", "BASE", "TUNED", "DELTA");
    JsonNode tuned = e.path("metrics");
    for (Iterator<String> it = tuned.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      metrics.row(k, e.path("base_metrics").path(k), tuned.path(k), e.path("deltas").path(k));
    }
    metrics.print(out);
    out.println("gate: " + (e.path("passed").asBoolean() ? "PASSED" : "FAILED"));
    for (JsonNode r : e.path("reasons")) {
      out.println("  - " + (r.isTextual() ? r.asText() : Text.reason(r)));
    }
    if (e.path("cases").size() > 0) {
      Table cases = new Table("CASE", "BASE", "TUNED", "TUNED OUTPUT");
      for (JsonNode c : e.path("cases")) {
        cases.row(
            c.path("id"),
            c.has("base_pass") ? (c.path("base_pass").asBoolean() ? "pass" : "FAIL") : null,
            c.path("tuned_pass").asBoolean() ? "pass" : "FAIL",
            Text.oneLine(c.path("tuned_output").asText(""), 60));
      }
      cases.print(out);
    }
  }

  @Command(
      name = "run",
      description =
          "Evaluate any model or adapter on demand (POST /v1/evaluations); it does not change a"
              + " registered version's stage.",
      footer = {
        "",
        "Example:",
        "  tuneforge evals run --model ft:tuneforge-demo-base:default:chats:01234567"
            + " --suite my-suite --dataset chats@v1"
      })
  static final class Run extends ReadCommand {
    @Option(
        names = "--model",
        required = true,
        description = "A base model, a fine-tuned id (ft:…) or a registry alias (name@production).")
    String model;

    @Option(names = "--suite", description = "A suite: name or name@version.")
    String suite;

    @Option(names = "--dataset", description = "A curated dataset version: name@version.")
    String dataset;

    @Override
    protected int run() {
      // the API takes a suite, a dataset or both; neither is the caller's mistake, not the server's
      if (suite == null && dataset == null) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(), "give --suite, --dataset or both");
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("model", model);
      if (suite != null) {
        body.put("suite", suite);
      }
      if (dataset != null) {
        body.put("dataset", dataset);
      }
      output.print(
          out(),
          client().postText("/v1/evaluations", body),
          e ->
              out()
                  .println(
                      "started "
                          + e.path("id").asText()
                          + " ("
                          + e.path("status").asText()
                          + "); see `tuneforge evals show "
                          + e.path("id").asText()
                          + "`"));
      return 0;
    }
  }
}
