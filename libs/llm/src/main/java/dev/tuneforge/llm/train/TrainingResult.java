package dev.tuneforge.llm.train;

import java.nio.file.Path;
import java.util.List;

/**
 * How a run ended.
 *
 * @param steps optimizer steps done in total (including those before a resume)
 * @param resumedFrom the step the run resumed from, 0 for a fresh start
 * @param losses training loss of each step this process ran
 * @param evaluations evaluations this process ran
 * @param stoppedEarly early stopping ended the run
 * @param interrupted a cancellation ({@link TrainingRun#cancel()}, {@link Trainer#requestStop()})
 *     ended it: no final checkpoint, no output
 * @param output the output folder, or null when interrupted
 */
public record TrainingResult(
    long steps,
    long resumedFrom,
    List<Double> losses,
    List<EvalReport> evaluations,
    boolean stoppedEarly,
    boolean interrupted,
    Path output) {

  /** A run cancelled while it was still reading data or loading the model. */
  public static TrainingResult cancelledBeforeTraining() {
    return new TrainingResult(0, 0, List.of(), List.of(), false, true, null);
  }
}
