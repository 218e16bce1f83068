package dev.tuneforge.llm.train;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The handle of a training run that trains on a thread of its own: its status, the last progress
 * report, {@link #cancel()} and {@link #await()}. Cancelling stops the run within one optimizer
 * step (see {@link Cancellation}); the newest complete checkpoint stays the resume point and no
 * partial checkpoint folder is left. Start one with {@code train.job.JobRunner.start}. The thread
 * is not a daemon: a service that stops should {@link #cancel()} its runs and {@link #await()}
 * them, which takes at most one optimizer step.
 */
public final class TrainingRun {

  /** Where a run is. */
  public enum Status {
    RUNNING,
    COMPLETED,
    CANCELLED,
    FAILED
  }

  private final Cancellation cancellation = new Cancellation();
  private final CompletableFuture<TrainingResult> done = new CompletableFuture<>();
  private final AtomicReference<StepReport> lastStep = new AtomicReference<>();
  private final Thread thread;

  private TrainingRun(String name, Function<Runs, TrainingResult> body, TrainingListener listener) {
    TrainingListener observing = new ProgressTap(listener, lastStep);
    this.thread =
        new Thread(
            () -> {
              try {
                done.complete(body.apply(new Runs(observing, cancellation)));
              } catch (Cancellation.Cancelled c) {
                done.complete(TrainingResult.cancelledBeforeTraining());
              } catch (Throwable t) {
                done.completeExceptionally(t);
              }
            },
            name);
  }

  /**
   * What the run's body gets: the listener (progress tapped for {@link #lastStep()}) and the stop
   * flag.
   */
  public record Runs(TrainingListener listener, Cancellation cancellation) {}

  /**
   * Starts {@code body} on a new thread named {@code name}. The body must honour the cancellation
   * (the {@link Trainer} does, via {@link Trainer#withCancellation}).
   */
  public static TrainingRun start(
      String name, TrainingListener listener, Function<Runs, TrainingResult> body) {
    TrainingRun run = new TrainingRun(name, body, listener);
    run.thread.start();
    return run;
  }

  /**
   * Asks the run to stop; returns at once. The run ends {@link Status#CANCELLED} within one step.
   */
  public void cancel() {
    cancellation.request();
  }

  public Status status() {
    if (!done.isDone()) {
      return Status.RUNNING;
    }
    if (done.isCompletedExceptionally()) {
      return Status.FAILED;
    }
    return done.join().interrupted() ? Status.CANCELLED : Status.COMPLETED;
  }

  /** The newest progress report, empty before the first optimizer step. */
  public Optional<StepReport> lastStep() {
    return Optional.ofNullable(lastStep.get());
  }

  /**
   * Completes with the result (a cancelled run's has {@code interrupted()}), or with the failure.
   */
  public CompletableFuture<TrainingResult> completion() {
    return done.copy();
  }

  /**
   * Waits for the end; returns the result, or rethrows what failed the run (the same exception
   * object, so its type and message are the run's).
   */
  public TrainingResult await() {
    try {
      return done.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the training run", e);
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    }
  }

  /** As {@link #await()}, empty when the run has not ended within {@code timeout}. */
  public Optional<TrainingResult> await(Duration timeout) {
    try {
      return Optional.of(done.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the training run", e);
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    }
  }

  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error err) {
      throw err;
    }
    return new IllegalStateException("training run failed: " + t, t);
  }

  /** Passes every call on and keeps the newest step report. */
  private record ProgressTap(TrainingListener to, AtomicReference<StepReport> last)
      implements TrainingListener {
    @Override
    public void onStep(StepReport report) {
      last.set(report);
      to.onStep(report);
    }

    @Override
    public void onEvaluation(EvalReport report) {
      to.onEvaluation(report);
    }

    @Override
    public void onCheckpoint(long step, java.nio.file.Path dir) {
      to.onCheckpoint(step, dir);
    }

    @Override
    public void onMessage(String message) {
      to.onMessage(message);
    }
  }
}
