package dev.tuneforge.llm.failure;

import java.io.UncheckedIOException;

/**
 * What a caller shows when engine work fails: a kind and one clear message, never a stack trace.
 * The CLI prints {@link #message()} and exits with {@link #exitCode()}; a service answers with
 * {@link #httpStatus()} and the message in its JSON error body. {@code Error}s are included: an
 * {@code OutOfMemoryError} from a model too large for the heap says so, with the heap limit, and a
 * {@code StackOverflowError} from a hostile input says that, instead of killing a long-running
 * service thread with a dump.
 *
 * @param kind what went wrong, for the exit code or HTTP status
 * @param message one line (newlines in the cause's message are kept only for exceptions that list
 *     several problems by design, such as a tensor mismatch report)
 */
public record Failure(Kind kind, String message) {

  /** Broad classes of failure; each maps to one exit code and one HTTP status. */
  public enum Kind {
    /** The input (file, request, option) is wrong: the message says which and why. */
    BAD_INPUT(1, 400),
    /** The JVM ran out of memory: retry with more memory or a smaller request. */
    OUT_OF_MEMORY(3, 503),
    /** Anything else: a bug or an environment problem. */
    INTERNAL(2, 500);

    private final int exitCode;
    private final int httpStatus;

    Kind(int exitCode, int httpStatus) {
      this.exitCode = exitCode;
      this.httpStatus = httpStatus;
    }
  }

  /** Maps any throwable (exceptions and errors) to a failure with a one-line message. */
  public static Failure of(Throwable t) {
    if (t instanceof OutOfMemoryError) {
      return new Failure(
          Kind.OUT_OF_MEMORY,
          "out of memory ("
              + text(t)
              + "); this process may"
              + " use at most "
              + (Runtime.getRuntime().maxMemory() >> 20)
              + " MiB of heap: give it"
              + " more (-Xmx) or ask for less (a smaller model, batch or max_new_tokens)");
    }
    if (t instanceof StackOverflowError) {
      return new Failure(Kind.BAD_INPUT, "input nests too deeply to process (stack exhausted)");
    }
    if (t instanceof Error) {
      return new Failure(
          Kind.INTERNAL,
          "internal error: "
              + oneLine(
                  t.getClass().getSimpleName()
                      + (t.getMessage() == null ? "" : ": " + t.getMessage())));
    }
    if (t instanceof IllegalArgumentException
        || t instanceof UncheckedIOException
        || t instanceof java.io.IOException
        || isNamedInputError(t)) {
      return new Failure(Kind.BAD_INPUT, withCause(t));
    }
    return new Failure(Kind.INTERNAL, withCause(t));
  }

  public int exitCode() {
    return kind.exitCode;
  }

  public int httpStatus() {
    return kind.httpStatus;
  }

  /** Engine exceptions that are about bad input, matched by name to keep this package leaf. */
  private static boolean isNamedInputError(Throwable t) {
    String name = t.getClass().getSimpleName();
    return name.equals("ChatTemplateException")
        || name.equals("TokenizerException")
        || name.equals("JobConfigException")
        || name.equals("ParameterException");
  }

  /** The message, plus the root cause's when it adds something (e.g. "Permission denied"). */
  private static String withCause(Throwable t) {
    String message = text(t);
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != t && root.getMessage() != null && !message.contains(root.getMessage())) {
      message += ": " + oneLine(root.getMessage());
    }
    return message;
  }

  private static String text(Throwable t) {
    return t.getMessage() == null || t.getMessage().isBlank()
        ? t.getClass().getSimpleName()
        : t.getMessage();
  }

  private static String oneLine(String s) {
    return s.replaceAll("\\s*\\R\\s*", " ");
  }
}
