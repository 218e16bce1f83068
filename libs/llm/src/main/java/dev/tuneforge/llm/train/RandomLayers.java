package dev.tuneforge.llm.train;

/**
 * The layers of a model that act randomly while training (LoRA dropout), as the trainer drives
 * them: switched off for validation (as PEFT's {@code model.eval()}) and told which micro-batch
 * comes next before each training forward. Layers that draw their randomness as a pure function of
 * (seed, step, micro-batch) make a resumed run bitwise equal to an uninterrupted one without any
 * generator state in the checkpoint.
 */
public interface RandomLayers {

  /** True: training behaviour (dropout on); false: evaluation (deterministic). */
  void setTraining(boolean training);

  /**
   * Called before the forward of each training micro-batch.
   *
   * @param step the optimizer step the micro-batch belongs to (1-based, global across resumes)
   * @param microBatch its index within that step's gradient accumulation (0-based)
   */
  void startMicroBatch(long step, int microBatch);

  /** A model without random layers (full fine-tuning). */
  RandomLayers NONE =
      new RandomLayers() {
        @Override
        public void setTraining(boolean training) {}

        @Override
        public void startMicroBatch(long step, int microBatch) {}
      };
}
