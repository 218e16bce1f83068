package dev.tuneforge.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tuneforge} command: every subcommand is registered here, one line each. */
@Command(
    name = "tuneforge",
    mixinStandardHelpOptions = true,
    version = "tuneforge 0.1.0",
    description = "Fine-tune large language models: local engine commands and the platform's client.",
    subcommands = {
      CommandLine.HelpCommand.class,
    })
public final class TuneForge implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new TuneForge()).execute(args));
  }
}
