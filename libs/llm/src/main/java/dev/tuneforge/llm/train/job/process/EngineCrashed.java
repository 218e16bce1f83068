package dev.tuneforge.llm.train.job.process;

/**
 * A job process ended without reporting how its run ended: killed, crashed in native code (SIGSEGV,
 * abort) or exited on its own (e.g. out of memory). The message names the exit code or signal, the
 * last step reported and the process's last output lines.
 */
public final class EngineCrashed extends RuntimeException {

  /** The error code a job that ended this way fails with. */
  public static final String CODE = "engine_crashed";

  private final int exitCode;

  EngineCrashed(int exitCode, Long lastStep, String output) {
    super(
        "the training process ended with "
            + describe(exitCode)
            + (lastStep == null ? " before its first step" : " after step " + lastStep)
            + (output.isBlank() ? "" : "; its last output: " + output));
    this.exitCode = exitCode;
  }

  /** The process's exit status; 128 + n for a process ended by signal n. */
  public int exitCode() {
    return exitCode;
  }

  static String describe(int exitCode) {
    if (exitCode > 128 && exitCode < 128 + 32) {
      int signal = exitCode - 128;
      return "signal " + signal + signalName(signal) + " (exit code " + exitCode + ")";
    }
    return "exit code " + exitCode;
  }

  private static String signalName(int signal) {
    return switch (signal) {
      case 4 -> " SIGILL";
      case 6 -> " SIGABRT";
      case 7 -> " SIGBUS";
      case 8 -> " SIGFPE";
      case 9 -> " SIGKILL";
      case 11 -> " SIGSEGV";
      case 15 -> " SIGTERM";
      default -> "";
    };
  }
}
