package dev.tuneforge.cli.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starts and stops the embedded mode's processes. Each runs detached (its own session, so closing
 * the terminal does not stop it), logs to {@code <data>/logs/<name>.log} and is tracked by {@code
 * <data>/pids/<name>.pid}; a pid file whose process is gone counts as stopped.
 */
public final class LocalProcesses {

  private final Path dataDir;

  public LocalProcesses(Path dataDir) {
    this.dataDir = dataDir;
  }

  public Path logFile(String name) {
    return dataDir.resolve("logs").resolve(name + ".log");
  }

  private Path pidFile(String name) {
    return dataDir.resolve("pids").resolve(name + ".pid");
  }

  /** The running process of {@code name}, if its pid file names a live process. */
  public Optional<ProcessHandle> running(String name) {
    Path f = pidFile(name);
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    try {
      long pid = Long.parseLong(Files.readString(f).trim());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  public ProcessHandle start(Component c) throws IOException {
    Files.createDirectories(dataDir.resolve("logs"));
    Files.createDirectories(dataDir.resolve("pids"));
    Files.createDirectories(Component.scratch(dataDir, c.name()));
    List<String> cmd = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      cmd.add("/usr/bin/setsid");
    }
    cmd.addAll(c.command());
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(c.name()).toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().putAll(c.env());
    Process p = pb.start();
    Files.writeString(pidFile(c.name()), Long.toString(p.pid()));
    return p.toHandle();
  }

  /**
   * SIGTERM, then SIGKILL after {@code grace}; removes the pid file. Returns whether it was
   * running.
   */
  public boolean stop(String name, Duration grace) throws IOException {
    Optional<ProcessHandle> p = running(name);
    if (p.isPresent()) {
      ProcessHandle h = p.get();
      h.destroy();
      try {
        h.onExit().get(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        h.destroyForcibly();
      }
    }
    Files.deleteIfExists(pidFile(name));
    return p.isPresent();
  }

  /** The last lines of a component's log, for error messages. */
  public String tail(String name, int lines) {
    try {
      List<String> all = Files.readAllLines(logFile(name));
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log at " + logFile(name) + ")";
    }
  }
}
