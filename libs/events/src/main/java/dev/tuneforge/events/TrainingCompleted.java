package dev.tuneforge.events;

import java.util.Map;

/**
 * A job finished; its output (PEFT adapter or HF model folder) is complete at {@code outputUri}.
 */
public record TrainingCompleted(
    String jobId,
    String baseModel,
    String method,
    String outputUri,
    long steps,
    long trainedTokens,
    double finalLoss,
    Map<String, Double> metrics)
    implements Event {
  @Override
  public String key() {
    return jobId;
  }
}
