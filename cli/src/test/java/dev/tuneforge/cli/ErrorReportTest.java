package dev.tuneforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * What the {@code tuneforge} launcher prints when a command fails: one line and a non-zero exit,
 * for exceptions and for {@code Error}s (which picocli itself lets through as stack traces).
 */
class ErrorReportTest {

  @CommandLine.Command(name = "boom")
  static final class Boom implements Callable<Integer> {
    @CommandLine.Parameters String what;

    @Override
    public Integer call() {
      switch (what) {
        case "oom" -> throw new OutOfMemoryError("Java heap space");
        case "stack" -> throw new StackOverflowError();
        case "bad" ->
            throw new IllegalArgumentException(
                "adapter_config.json: field \"r\" must be" + " an integer");
        default -> throw new IllegalStateException("unexpected");
      }
    }
  }

  private static String[] run(String what) {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new TuneForge()).addSubcommand("boom", new Boom());
    cli.setErr(new PrintWriter(err));
    int code = TuneForge.execute(cli, "boom", what);
    return new String[] {Integer.toString(code), err.toString()};
  }

  @Test
  void outOfMemoryIsOneLineAndExitCode3() {
    String[] r = run("oom");
    assertEquals("3", r[0]);
    assertTrue(
        r[1].startsWith(
            "tuneforge: out of memory (Java heap space); this process may use" + " at most "),
        r[1]);
    assertEquals(1, r[1].strip().lines().count(), r[1]);
    assertFalse(r[1].contains("\tat "), r[1]);
  }

  @Test
  void otherFailuresAreOneLineWithTheirExitCode() {
    String[] stack = run("stack");
    assertEquals("1", stack[0]);
    assertEquals(
        "tuneforge: input nests too deeply to process (stack exhausted)", stack[1].strip());
    String[] bad = run("bad");
    assertEquals("1", bad[0]);
    assertEquals("tuneforge: adapter_config.json: field \"r\" must be an integer", bad[1].strip());
    String[] internal = run("bug");
    assertEquals("2", internal[0]);
    assertEquals("tuneforge: unexpected", internal[1].strip());
  }
}
