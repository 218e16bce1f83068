package dev.tuneforge.llm.train;

/**
 * What one optimizer step did.
 *
 * @param step optimizer steps done (1 after the first update)
 * @param totalSteps steps the run will take (unless stopped early)
 * @param epoch fractional epoch reached (1.0 = one full pass)
 * @param loss mean cross-entropy over the step's target tokens (all micro-batches)
 * @param learningRate the learning rate of this update
 * @param gradNorm global gradient norm before clipping
 * @param tokensPerSecond real (non-padding) tokens per second since the run (or resume) started
 * @param etaSeconds estimated seconds to the last step at the rate so far
 * @param tokens real (non-padding) tokens trained since the run (or resume) started
 */
public record StepReport(
    long step,
    long totalSteps,
    double epoch,
    double loss,
    double learningRate,
    double gradNorm,
    double tokensPerSecond,
    double etaSeconds,
    long tokens) {}
