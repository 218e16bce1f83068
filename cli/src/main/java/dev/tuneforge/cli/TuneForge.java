package dev.tuneforge.cli;

import dev.tuneforge.llm.failure.Failure;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tuneforge} command: every subcommand is registered here, one line each. */
@Command(
    name = "tuneforge",
    mixinStandardHelpOptions = true,
    // every subcommand inherits -h/--help (and -V): `tuneforge <command> --help` must show the
    // command's usage even when its required options or parameters are missing
    scope = CommandLine.ScopeType.INHERIT,
    version = "tuneforge 0.1.0",
    description =
        "Fine-tune large language models: local engine commands and the platform's client.",
    footer = {
      "",
      "Examples:",
      "  ./tuneforge demo                      the whole pipeline, end to end",
      "  ./tuneforge files upload chats.jsonl  a command against the platform",
      "  ./tuneforge jobs --help               every command has --help with an example",
      "",
      "Platform commands find the server in --url, TUNEFORGE_URL, url= in ~/.tuneforge/config,"
          + " else the local gateway; the key in --api-key, TUNEFORGE_API_KEY, key= in the config"
          + " file, else $TUNEFORGE_DATA/admin-key. Exit codes: 0 ok, 1 failed (the server's"
          + " message is printed), 2 usage."
    },
    subcommands = {
      CommandLine.HelpCommand.class,
      dev.tuneforge.cli.local.LocalCommands.Up.class,
      dev.tuneforge.cli.local.LocalCommands.Down.class,
      dev.tuneforge.cli.local.LocalCommands.Status.class,
      dev.tuneforge.cli.local.LocalCommands.Stack.class,
      dev.tuneforge.cli.demo.DemoCommand.class,
      dev.tuneforge.cli.merge.MergeCommand.class,
      dev.tuneforge.cli.export.ExportCommand.class,
      dev.tuneforge.cli.model.ModelCommand.class,
      dev.tuneforge.cli.train.TrainCommand.class,
      dev.tuneforge.cli.basemodel.BaseModelCommand.class,
      // the platform's client, one command per API resource (dev.tuneforge.cli.client underneath)
      dev.tuneforge.cli.files.FilesCommand.class,
      dev.tuneforge.cli.datasets.DatasetsCommand.class,
      dev.tuneforge.cli.jobs.JobsCommand.class,
      dev.tuneforge.cli.evals.EvalsCommand.class,
      dev.tuneforge.cli.evals.SuitesCommand.class,
      dev.tuneforge.cli.models.ModelsCommand.class,
      dev.tuneforge.cli.adapters.AdaptersCommand.class,
      dev.tuneforge.cli.chat.ChatCommand.class,
      dev.tuneforge.cli.keys.KeysCommand.class,
    })
public final class TuneForge implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(execute(new CommandLine(new TuneForge()), args));
  }

  /**
   * Runs a command line; every failure, {@code OutOfMemoryError} and other {@code Error}s included,
   * prints one clear line ({@link Failure}) instead of a stack trace, and gives a non-zero exit
   * code: 1 when the platform answered an error (its message and {@code param}) or the input is
   * bad, 2 for a usage error (picocli's), as {@link Failure} says otherwise.
   */
  public static int execute(CommandLine cli, String... args) {
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> report(cmd, e));
    try {
      return cli.execute(args);
    } catch (Throwable t) { // picocli passes Errors through: they end here, not in a dump
      return report(cli, t);
    }
  }

  private static int report(CommandLine cmd, Throwable t) {
    if (t instanceof dev.tuneforge.cli.client.ApiError e) {
      // the platform refused or could not be reached: its own message (and param), exit 1
      cmd.getErr().println("tuneforge: " + e.getMessage());
      cmd.getErr().flush();
      return 1;
    }
    Failure failure = Failure.of(t);
    cmd.getErr().println("tuneforge: " + failure.message());
    cmd.getErr().flush();
    return failure.exitCode();
  }

  /** The checkout the launcher runs from ({@code tuneforge.home}, set by the tuneforge script). */
  public static java.nio.file.Path home() {
    return java.nio.file.Path.of(System.getProperty("tuneforge.home", "."))
        .toAbsolutePath()
        .normalize();
  }

  /** Where local data lives: TUNEFORGE_DATA, default ./.tuneforge under the checkout. */
  public static java.nio.file.Path dataDir() {
    String env = System.getenv("TUNEFORGE_DATA");
    return env != null && !env.isBlank()
        ? java.nio.file.Path.of(env)
        : home().resolve(".tuneforge");
  }
}
