package dev.tuneforge.trainer.worker;

import dev.tuneforge.events.Event;
import dev.tuneforge.events.TrainingEvaluated;
import dev.tuneforge.events.TrainingProgress;
import dev.tuneforge.llm.train.EvalReport;
import dev.tuneforge.llm.train.StepReport;
import dev.tuneforge.llm.train.TrainingListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Turns the engine's reports into the job's facts: TrainingProgress on the first and last step,
 * every {@code everySteps} steps and at least every {@code maxInterval}, TrainingEvaluated after
 * every evaluation; a checkpoint and a message are passed to their handlers. Called on the training
 * thread.
 */
final class JobProgress implements TrainingListener {

  interface Checkpoints {
    void saved(long step, Path dir);
  }

  private final String jobId;
  private final int everySteps;
  private final long maxIntervalNanos;
  private final Consumer<Event> progress;
  private final Checkpoints checkpoints;
  private final Consumer<String> messages;
  private long lastSentNanos = System.nanoTime();
  private volatile StepReport last;
  private volatile EvalReport lastEval;

  JobProgress(
      String jobId,
      int everySteps,
      Duration maxInterval,
      Consumer<Event> progress,
      Checkpoints checkpoints,
      Consumer<String> messages) {
    this.jobId = jobId;
    this.everySteps = Math.max(1, everySteps);
    this.maxIntervalNanos = maxInterval.toNanos();
    this.progress = progress;
    this.checkpoints = checkpoints;
    this.messages = messages;
  }

  @Override
  public void onStep(StepReport r) {
    last = r;
    long now = System.nanoTime();
    if (r.step() == 1
        || r.step() == r.totalSteps()
        || r.step() % everySteps == 0
        || now - lastSentNanos >= maxIntervalNanos) {
      lastSentNanos = now;
      progress.accept(
          new TrainingProgress(
              jobId,
              r.step(),
              r.totalSteps(),
              r.epoch(),
              r.loss(),
              r.learningRate(),
              r.gradNorm(),
              r.tokensPerSecond(),
              r.etaSeconds()));
    }
  }

  @Override
  public void onEvaluation(EvalReport report) {
    lastEval = report;
    progress.accept(new TrainingEvaluated(jobId, report.step(), report.loss()));
  }

  @Override
  public void onCheckpoint(long step, Path dir) {
    checkpoints.saved(step, dir);
  }

  @Override
  public void onMessage(String message) {
    messages.accept(message);
  }

  StepReport last() {
    return last;
  }

  EvalReport lastEval() {
    return lastEval;
  }
}
