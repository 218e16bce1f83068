package dev.tuneforge.cli.jobs;

import static dev.tuneforge.cli.client.PlatformClient.seg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.cli.client.ApiCommand;
import dev.tuneforge.cli.client.ListOptions;
import dev.tuneforge.cli.client.PlatformClient;
import dev.tuneforge.cli.client.ProgressBar;
import dev.tuneforge.cli.client.ReadCommand;
import dev.tuneforge.cli.client.Table;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code tuneforge jobs …}: fine-tuning jobs ({@code /v1/fine_tuning/jobs}, OpenAI's shape). */
@Command(
    name = "jobs",
    description = "Create, list, show, follow and cancel fine-tuning jobs.",
    footer = {
      "",
      "Example:",
      "  tuneforge jobs create --model SmolLM2-135M-Instruct --training-file chats@3f9a0c1d2e4b"
          + " --watch"
    },
    subcommands = {
      JobsCommand.Create.class,
      JobsCommand.ListJobs.class,
      JobsCommand.Show.class,
      JobsCommand.Events.class,
      JobsCommand.Cancel.class,
      JobsCommand.Watch.class
    })
public final class JobsCommand {

  @Command(
      name = "create",
      description =
          "Start a job from a request file (-f: the API's fields in YAML or JSON) and/or flags;"
              + " a flag replaces the file's field.",
      footer = {
        "",
        "Examples:",
        "  tuneforge jobs create -f job.yaml",
        "  tuneforge jobs create --model tuneforge-demo-base --training-file chats@3f9a0c1d2e4b \\",
        "      --adapter lora --set lora_r=8 --epochs 3 --suite my-suite --suffix chats --watch",
        "",
        "A job.yaml holds the request body:",
        "  model: tuneforge-demo-base",
        "  training_file: chats@3f9a0c1d2e4b     # a curated dataset, name or name@version",
        "  suffix: chats",
        "  hyperparameters: {n_epochs: 3, batch_size: 4, learning_rate_multiplier: 2}",
        "  tuneforge: {adapter: lora, lora_r: 8, lora_alpha: 16, sequence_len: 256,"
            + " evaluation_suite: my-suite}"
      })
  static final class Create extends ReadCommand {
    @Option(
        names = {"-f", "--file"},
        paramLabel = "JOB_FILE",
        description = "The request body in YAML or JSON.")
    Path file;

    @Option(names = "--model", description = "Base model name (see `tuneforge models list`).")
    String model;

    @Option(
        names = "--training-file",
        paramLabel = "DATASET",
        description = "The curated dataset: name or name@version.")
    String trainingFile;

    @Option(names = "--validation-file", paramLabel = "DATASET")
    String validationFile;

    @Option(names = "--suffix", description = "Part of the fine-tuned model's id and adapter name.")
    String suffix;

    @Option(names = "--seed", description = "Seed of initialisation, data order and dropout.")
    Long seed;

    @Option(names = "--epochs", description = "hyperparameters.n_epochs.")
    Integer epochs;

    @Option(names = "--batch-size", description = "hyperparameters.batch_size (micro-batch).")
    Integer batchSize;

    @Option(
        names = "--learning-rate-multiplier",
        paramLabel = "X",
        description = "hyperparameters.learning_rate_multiplier (x 2e-4 for LoRA).")
    Double learningRateMultiplier;

    @Option(names = "--adapter", description = "lora, qlora or full (tuneforge.adapter).")
    String adapter;

    @Option(
        names = "--suite",
        paramLabel = "SUITE",
        description = "Evaluation suite, name or name@version (tuneforge.evaluation_suite).")
    String suite;

    @Option(
        names = "--set",
        paramLabel = "KEY=VALUE",
        description =
            "Any other TuneForge training setting, by its `tuneforge train` YAML name"
                + " (repeatable): lora_r=8, sequence_len=256, lr_scheduler=cosine, …")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(
        names = "--metadata",
        paramLabel = "KEY=VALUE",
        description = "Free-form metadata (repeatable; filter with `jobs list --metadata`).")
    Map<String, String> metadata = new LinkedHashMap<>();

    @Option(names = "--watch", description = "Follow the job with a progress bar until it ends.")
    boolean watch;

    @Override
    protected int run() {
      JobRequest request = file == null ? JobRequest.empty() : JobRequest.read(file);
      request
          .set("model", model)
          .set("training_file", trainingFile)
          .set("validation_file", validationFile)
          .set("suffix", suffix)
          .set("seed", seed)
          .set("hyperparameters", "n_epochs", epochs)
          .set("hyperparameters", "batch_size", batchSize)
          .set("hyperparameters", "learning_rate_multiplier", learningRateMultiplier)
          .set("tuneforge", "adapter", adapter)
          .set("tuneforge", "evaluation_suite", suite)
          .setAll("tuneforge", settings, true)
          .setAll("metadata", metadata, false);
      for (String required : List.of("model", "training_file")) {
        if (!request.has(required)) {
          throw new ParameterException(
              spec.commandLine(),
              "no "
                  + required
                  + ": give --"
                  + required.replace('_', '-')
                  + " or set it in the job file (-f)");
        }
      }
      String raw = client().postText("/v1/fine_tuning/jobs", request.body());
      JsonNode job = PlatformClient.parse(raw);
      if (output.json() && !watch) {
        out().println(raw.strip());
        return 0;
      }
      out()
          .printf(
              "created %s: %s on %s (%s)%n",
              job.path("id").asText(),
              job.path("model").asText(),
              job.path("training_file").asText(),
              job.path("status").asText());
      return watch
          ? Watch.watch(client(), out(), job.path("id").asText(), Duration.ofHours(24))
          : 0;
    }
  }

  @Command(
      name = "list",
      description = "Your team's jobs, newest first.",
      footer = {"", "Example:", "  tuneforge jobs list --metadata experiment=baseline"})
  static final class ListJobs extends ReadCommand {
    @Mixin ListOptions page;

    @Option(
        names = "--metadata",
        paramLabel = "KEY=VALUE",
        description = "Only jobs with this metadata (repeatable).")
    Map<String, String> metadata = new LinkedHashMap<>();

    @Override
    protected int run() {
      Object[] filters = new Object[metadata.size() * 2];
      int i = 0;
      for (var e : metadata.entrySet()) {
        filters[i++] = "metadata[" + e.getKey() + "]";
        filters[i++] = e.getValue();
      }
      show(
          page.page("/v1/fine_tuning/jobs", filters),
          list -> {
            Table t =
                new Table("ID", "STATUS", "MODEL", "TRAINING FILE", "STEP", "CREATED", "RESULT");
            for (JsonNode j : list.path("data")) {
              t.row(
                  j.path("id"),
                  j.path("status"),
                  j.path("model"),
                  j.path("training_file"),
                  j.at("/tuneforge/step"),
                  Table.time(j.path("created_at")),
                  j.hasNonNull("fine_tuned_model")
                      ? j.get("fine_tuned_model").asText()
                      : j.at("/error/message"));
            }
            t.print(out());
            ListOptions.moreHint(err(), list);
          });
      return 0;
    }
  }

  @Command(
      name = "show",
      description = "One job: status, settings, progress, result or error.",
      footer = {"", "Example:", "  tuneforge jobs show ftjob-0123456789abcdef01234567"})
  static final class Show extends ReadCommand {
    @Parameters(index = "0", paramLabel = "JOB_ID")
    String id;

    @Override
    protected int run() {
      show(
          "/v1/fine_tuning/jobs/" + seg(id),
          j -> {
            Table t = new Table("FIELD", "VALUE");
            t.row("id", j.path("id"));
            t.row("status", j.path("status"));
            t.row("model", j.path("model"));
            t.row("training_file", j.path("training_file"));
            t.row("validation_file", j.path("validation_file"));
            t.row("created", Table.time(j.path("created_at")));
            t.row("finished", Table.time(j.path("finished_at")));
            t.row("step", j.at("/tuneforge/step"));
            t.row("trained_tokens", j.path("trained_tokens"));
            t.row("estimated_finish", Table.time(j.path("estimated_finish")));
            t.row("fine_tuned_model", j.path("fine_tuned_model"));
            t.row("error", j.at("/error/message"));
            t.row("seed", j.path("seed"));
            t.row("suffix", j.path("suffix"));
            t.row("hyperparameters", j.path("hyperparameters"));
            for (Iterator<Map.Entry<String, JsonNode>> it = j.path("tuneforge").fields();
                it.hasNext(); ) {
              var e = it.next();
              if (!e.getKey().equals("step")) {
                t.row("tuneforge." + e.getKey(), e.getValue());
              }
            }
            t.row("metadata", j.path("metadata"));
            t.print(out());
          });
      return 0;
    }
  }

  @Command(
      name = "events",
      description =
          "A job's events, newest first (one page); with --follow, every event oldest first,"
              + " live until the job ends.",
      footer = {"", "Example:", "  tuneforge jobs events ftjob-0123456789abcdef01234567 --follow"})
  static final class Events extends ReadCommand {
    @Parameters(index = "0", paramLabel = "JOB_ID")
    String id;

    @Mixin ListOptions page;

    @Option(names = "--follow", description = "Stream events until the job ends.")
    boolean follow;

    @Override
    protected int run() {
      String path = "/v1/fine_tuning/jobs/" + seg(id) + "/events";
      if (follow) {
        ObjectMapper json = new ObjectMapper();
        client().stream(
            client().request(path + "?stream=true").timeout(Duration.ofDays(7)).GET().build(),
            data -> {
              if (output.json()) {
                out().println(data);
              } else {
                try {
                  JsonNode e = json.readTree(data);
                  out().println(line(e));
                } catch (IOException x) {
                  out().println(data);
                }
              }
              out().flush();
              return true;
            });
        return 0;
      }
      show(
          page.page(path),
          list -> {
            for (JsonNode e : list.path("data")) {
              out().println(line(e));
            }
            ListOptions.moreHint(err(), list);
          });
      return 0;
    }

    static String line(JsonNode e) {
      return Table.time(e.path("created_at"))
          + "  "
          + String.format("%-5s", e.path("level").asText())
          + "  "
          + e.path("message").asText();
    }
  }

  @Command(
      name = "cancel",
      description = "Cancel a queued or running job (its last checkpoint is kept).",
      footer = {"", "Example:", "  tuneforge jobs cancel ftjob-0123456789abcdef01234567"})
  static final class Cancel extends ApiCommand {
    @Parameters(index = "0", paramLabel = "JOB_ID")
    String id;

    @Override
    protected int run() {
      JsonNode j = client().post("/v1/fine_tuning/jobs/" + seg(id) + "/cancel", Map.of());
      out()
          .println(
              j.path("id").asText() + ": " + j.path("status").asText() + " (cancel requested)");
      return 0;
    }
  }

  @Command(
      name = "watch",
      description =
          "Follow a job live: a progress bar with step, loss, tokens/s and ETA from its event"
              + " stream; exits 0 when it succeeded, 1 when it failed or was cancelled.",
      footer = {"", "Example:", "  tuneforge jobs watch ftjob-0123456789abcdef01234567"})
  static final class Watch extends ApiCommand {
    @Parameters(index = "0", paramLabel = "JOB_ID")
    String id;

    @Option(
        names = "--timeout",
        defaultValue = "PT24H",
        description = "Give up after this long (ISO-8601, default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    protected int run() {
      return watch(client(), out(), id, timeout);
    }

    /** Follows until the job ends; 0 when it succeeded, 1 otherwise. */
    static int watch(PlatformClient client, PrintWriter out, String id, Duration timeout) {
      ProgressBar bar = new ProgressBar(out, System.console() != null);
      JobWatch.Seen seen = JobWatch.follow(client, id, timeout, bar);
      JsonNode j = client.get("/v1/fine_tuning/jobs/" + seg(id));
      String status = j.path("status").asText();
      out.printf(
          "%s %s%s%n",
          j.path("id").asText(),
          status,
          "succeeded".equals(status)
              ? ": " + j.path("fine_tuned_model").asText()
              : j.hasNonNull("error") ? ": " + j.at("/error/message").asText() : "");
      if (!Double.isNaN(seen.firstLoss())) {
        out.println(
            "training loss "
                + Table.number(seen.firstLoss())
                + " -> "
                + Table.number(seen.lastLoss())
                + " over "
                + seen.steps()
                + " steps");
      }
      return "succeeded".equals(status) ? 0 : 1;
    }
  }
}
