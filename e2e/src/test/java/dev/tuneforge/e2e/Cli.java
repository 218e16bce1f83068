package dev.tuneforge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The built {@code tuneforge} command as the launcher script runs it ({@code java -cp
 * cli/target/...jar:cli/target/lib/*}), in its own process with the environment a user would export
 * for this installation.
 */
final class Cli {

  private final Path home;
  private final Path logDir;
  private final Map<String, String> env;

  Cli(Path home, Path logDir, Map<String, String> env) {
    this.home = home;
    this.logDir = logDir;
    this.env = Map.copyOf(env);
  }

  /** Runs {@code tuneforge args...}, which must exit 0 within the limit; returns its output. */
  String run(long timeoutSeconds, String... args) throws Exception {
    Path target = home.resolve("cli/target");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-Dtuneforge.home=" + home,
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error", // as the launcher
                "-cp",
                target.resolve("tuneforge-cli-0.1.0-SNAPSHOT.jar") + ":" + target.resolve("lib/*"),
                "dev.tuneforge.cli.TuneForge"));
    cmd.addAll(List.of(args));
    Files.createDirectories(logDir);
    Path log = logDir.resolve("cli-" + args[0] + "-" + System.nanoTime() + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    boolean ended = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
    if (!ended) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    String out = Files.readString(log);
    assertTrue(ended, "tuneforge " + String.join(" ", args) + " did not end:\n" + out);
    assertEquals(0, p.exitValue(), "tuneforge " + String.join(" ", args) + ":\n" + out);
    return out;
  }
}
