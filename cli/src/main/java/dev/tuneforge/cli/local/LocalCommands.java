package dev.tuneforge.cli.local;

import dev.tuneforge.cli.TuneForge;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tuneforge up|down|status} and {@code tuneforge stack up|down|status}. */
public final class LocalCommands {
  private LocalCommands() {}

  @Command(
      name = "up",
      description =
          "Start the local stack, the four services and the gateway (http://127.0.0.1:8080).",
      footer = {
        "",
        "Example, a second installation beside the first:",
        "  TUNEFORGE_DATA=/tmp/tf2 ./tuneforge up --free-ports"
      })
  public static final class Up implements Callable<Integer> {
    @Option(
        names = "--free-ports",
        description =
            "Use free ports instead of 8080-8084/9092/9093/9000 (also TUNEFORGE_PORTS=free);"
                + " they are kept in <data>/ports.properties while anything runs.")
    boolean freePorts;

    @Option(
        names = "--timeout",
        defaultValue = "180",
        description = "Seconds to wait for every service to be ready (default ${DEFAULT-VALUE}).")
    long timeout;

    @Override
    public Integer call() throws Exception {
      LocalMode env = LocalMode.fromEnvironment(System.out);
      LocalMode mode =
          freePorts ? new LocalMode(TuneForge.home(), env.dataDir(), true, System.out) : env;
      mode.up(Duration.ofSeconds(timeout));
      return 0;
    }
  }

  @Command(
      name = "down",
      description = "Stop the gateway, the services and the local stack (data is kept).")
  public static final class Down implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      LocalMode.fromEnvironment(System.out).down();
      return 0;
    }
  }

  @Command(
      name = "status",
      description = "Show which local processes run and what the gateway's health says.")
  public static final class Status implements Callable<Integer> {
    @Override
    public Integer call() {
      return LocalMode.fromEnvironment(System.out).status();
    }
  }

  @Command(
      name = "stack",
      description =
          "The local Kafka broker (KRaft) + S3 server, one process, data under the data folder.")
  public static final class Stack implements Callable<Integer> {
    @Parameters(index = "0", description = "up, down or status")
    String action;

    @Override
    public Integer call() throws Exception {
      LocalMode mode = LocalMode.fromEnvironment(System.out);
      switch (action) {
        case "up" -> mode.stackUp();
        case "down" -> mode.stackDown();
        case "status" -> {
          return mode.stackStatus();
        }
        default ->
            throw new picocli.CommandLine.ParameterException(
                new picocli.CommandLine(this),
                "unknown action '" + action + "': use up, down or status");
      }
      return 0;
    }
  }
}
