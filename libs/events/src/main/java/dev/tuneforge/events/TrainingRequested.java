package dev.tuneforge.events;

import java.util.Map;

/**
 * A fine-tuning job was accepted. {@code method} is lora, qlora or full; {@code hyperparameters}
 * carries the Axolotl-named knobs (lora_r, learning_rate, …) validated by the trainer.
 */
public record TrainingRequested(
    String jobId,
    String baseModel,
    String datasetName,
    String datasetVersion,
    String method,
    Map<String, Object> hyperparameters,
    @Nullable String suffix,
    long seed)
    implements Event {
  @Override
  public String key() {
    return jobId;
  }
}
