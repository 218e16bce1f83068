package dev.tuneforge.llm.train;

/**
 * A request to stop a run, shared between whoever holds the {@link TrainingRun} handle and the
 * thread that trains. The loop looks at it between micro-batches, between optimizer steps and
 * between evaluation batches, never inside a checkpoint write, so a cancelled run stops within one
 * optimizer step and leaves only complete checkpoints behind.
 */
public final class Cancellation {
  private volatile boolean requested;

  public void request() {
    requested = true;
  }

  public boolean isRequested() {
    return requested;
  }

  /** Throws {@link Cancelled} when a stop was requested. */
  public void check() {
    if (requested) {
      throw new Cancelled();
    }
  }

  /** Unwinds the training thread to the point that turns it into a cancelled result. */
  public static final class Cancelled extends RuntimeException {
    Cancelled() {
      super("training run cancelled", null, false, false);
    }
  }
}
