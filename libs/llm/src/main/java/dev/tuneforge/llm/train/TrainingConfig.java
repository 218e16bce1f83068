package dev.tuneforge.llm.train;

import dev.tuneforge.llm.train.optim.AdamWConfig;
import dev.tuneforge.llm.train.optim.LrSchedule;
import java.nio.file.Path;

/**
 * The loop's settings (Axolotl / HF names in the comments). Batch composition (micro_batch_size,
 * packing, shuffling) belongs to the {@code BatchPlan} handed to the trainer.
 *
 * @param gradientAccumulationSteps micro-batches per optimizer step (gradient_accumulation_steps)
 * @param numEpochs passes over the data when {@code maxSteps} is 0 (num_epochs)
 * @param maxSteps optimizer steps, overriding epochs when > 0 (max_steps)
 * @param learningRate peak learning rate (learning_rate)
 * @param scheduler lr_scheduler
 * @param warmupSteps warmup_steps, or null
 * @param warmupRatio warmup_ratio, or null
 * @param adam betas, epsilon, weight_decay
 * @param maxGradNorm clip the global gradient norm to this; 0 = no clipping (max_grad_norm)
 * @param evalSteps evaluate every this many steps; 0 = never (eval_steps)
 * @param saveSteps checkpoint every this many steps; 0 = only at the end (save_steps)
 * @param earlyStoppingPatience stop after this many evaluations without improvement; 0 = never
 * @param earlyStoppingMinDelta an evaluation improves when its loss is lower by more than this
 * @param outputDir output_dir: the output model plus {@code checkpoints/}
 * @param gradientCheckpointing keep only each decoder layer's input and recompute the layer in
 *     backward: one layer's activations at a time instead of all, for one extra forward per layer
 *     (gradient_checkpointing)
 */
public record TrainingConfig(
    int gradientAccumulationSteps,
    int numEpochs,
    long maxSteps,
    double learningRate,
    LrSchedule.Kind scheduler,
    Integer warmupSteps,
    Double warmupRatio,
    AdamWConfig adam,
    double maxGradNorm,
    int evalSteps,
    int saveSteps,
    int earlyStoppingPatience,
    double earlyStoppingMinDelta,
    Path outputDir,
    boolean gradientCheckpointing) {

  public TrainingConfig {
    if (gradientAccumulationSteps < 1) {
      throw new IllegalArgumentException(
          "gradient_accumulation_steps must be >= 1, got " + gradientAccumulationSteps);
    }
    if (maxSteps < 0) {
      throw new IllegalArgumentException("max_steps must be >= 0, got " + maxSteps);
    }
    if (maxSteps == 0 && numEpochs < 1) {
      throw new IllegalArgumentException(
          "num_epochs must be >= 1 when max_steps is not set, got " + numEpochs);
    }
    if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException(
          "learning_rate must be finite and >= 0, got " + learningRate);
    }
    if (!(maxGradNorm >= 0)) {
      throw new IllegalArgumentException("max_grad_norm must be >= 0, got " + maxGradNorm);
    }
    if (evalSteps < 0 || saveSteps < 0 || earlyStoppingPatience < 0) {
      throw new IllegalArgumentException(
          "eval_steps, save_steps and early_stopping_patience must be >= 0");
    }
    if (!(earlyStoppingMinDelta >= 0)) {
      throw new IllegalArgumentException(
          "early_stopping_min_delta must be >= 0, got " + earlyStoppingMinDelta);
    }
    if (outputDir == null) {
      throw new IllegalArgumentException("output_dir is required");
    }
  }

  /**
   * A config with HF defaults around the given essentials (constant lr, no clipping, no eval, no
   * gradient checkpointing).
   */
  public static TrainingConfig simple(int accumulation, long maxSteps, double lr, Path outputDir) {
    return new TrainingConfig(
        accumulation,
        1,
        maxSteps,
        lr,
        LrSchedule.Kind.CONSTANT,
        null,
        null,
        AdamWConfig.DEFAULTS,
        0,
        0,
        0,
        0,
        0,
        outputDir,
        false);
  }

  public TrainingConfig withSaveSteps(int steps) {
    return new TrainingConfig(
        gradientAccumulationSteps,
        numEpochs,
        maxSteps,
        learningRate,
        scheduler,
        warmupSteps,
        warmupRatio,
        adam,
        maxGradNorm,
        evalSteps,
        steps,
        earlyStoppingPatience,
        earlyStoppingMinDelta,
        outputDir,
        gradientCheckpointing);
  }

  public TrainingConfig withOutputDir(Path dir) {
    return new TrainingConfig(
        gradientAccumulationSteps,
        numEpochs,
        maxSteps,
        learningRate,
        scheduler,
        warmupSteps,
        warmupRatio,
        adam,
        maxGradNorm,
        evalSteps,
        saveSteps,
        earlyStoppingPatience,
        earlyStoppingMinDelta,
        dir,
        gradientCheckpointing);
  }

  public TrainingConfig withEvaluation(int evalEvery, int patience, double minDelta) {
    return new TrainingConfig(
        gradientAccumulationSteps,
        numEpochs,
        maxSteps,
        learningRate,
        scheduler,
        warmupSteps,
        warmupRatio,
        adam,
        maxGradNorm,
        evalEvery,
        saveSteps,
        patience,
        minDelta,
        outputDir,
        gradientCheckpointing);
  }

  public TrainingConfig withGradientCheckpointing(boolean on) {
    return new TrainingConfig(
        gradientAccumulationSteps,
        numEpochs,
        maxSteps,
        learningRate,
        scheduler,
        warmupSteps,
        warmupRatio,
        adam,
        maxGradNorm,
        evalSteps,
        saveSteps,
        earlyStoppingPatience,
        earlyStoppingMinDelta,
        outputDir,
        on);
  }
}
