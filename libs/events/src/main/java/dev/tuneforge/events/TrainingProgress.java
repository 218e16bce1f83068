package dev.tuneforge.events;

/** One optimizer step finished: loss, learning rate, gradient norm, throughput and time left. */
public record TrainingProgress(
    String jobId,
    long step,
    long totalSteps,
    double epoch,
    double loss,
    double learningRate,
    double gradNorm,
    double tokensPerSecond,
    double etaSeconds)
    implements Event {
  @Override
  public String key() {
    return jobId;
  }
}
