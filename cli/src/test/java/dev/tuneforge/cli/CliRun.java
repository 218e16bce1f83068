package dev.tuneforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Runs {@code tuneforge args...} in the test's JVM, as the launcher would. */
public final class CliRun {
  private CliRun() {}

  /** The command's standard output; fails the test (with that output) on a non-zero exit code. */
  public static String run(String... args) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = new CommandLine(new TuneForge()).execute(args);
    } finally {
      System.setOut(old);
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, out);
    return out;
  }
}
