package dev.tuneforge.llm.train.job.process;

/**
 * A job process reported that its run failed with an exception: {@link #error()} is that
 * exception's simple class name, the message its message, as the run would have thrown in this JVM.
 */
public final class EngineFailed extends RuntimeException {

  private final String error;

  EngineFailed(String error, String message) {
    super(message);
    this.error = error;
  }

  /** The simple class name of the exception that failed the run, e.g. IllegalArgumentException. */
  public String error() {
    return error;
  }
}
