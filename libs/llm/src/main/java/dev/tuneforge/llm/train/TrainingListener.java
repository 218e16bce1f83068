package dev.tuneforge.llm.train;

import java.nio.file.Path;

/**
 * Observes a run: the trainer service turns the calls into events, the CLI into a progress bar.
 * Called on the training thread; keep it quick.
 */
public interface TrainingListener {

  /** After every optimizer step. */
  void onStep(StepReport report);

  default void onEvaluation(EvalReport report) {}

  /** After a complete checkpoint was written (its manifest is in place). */
  default void onCheckpoint(long step, Path dir) {}

  /** Notable events that are not errors: a resume, a checkpoint ignored, early stopping. */
  default void onMessage(String message) {}

  TrainingListener NONE = report -> {};
}
