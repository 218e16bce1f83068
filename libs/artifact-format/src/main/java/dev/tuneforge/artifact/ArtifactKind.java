package dev.tuneforge.artifact;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a manifest describes; written in lower case ({@code "checkpoint"}) in {@code manifest.json}.
 */
public enum ArtifactKind {
  /**
   * A curated dataset version: {@code train.jsonl}, {@code validation.jsonl}, {@code report.json}.
   */
  DATASET,
  /** A model in Hugging Face layout (base model, merged fine-tune). */
  MODEL,
  /** A training checkpoint: trainable weights, optimizer and trainer state. */
  CHECKPOINT,
  /** A PEFT adapter: {@code adapter_config.json}, {@code adapter_model.safetensors}. */
  ADAPTER,
  /** A report (evaluation results, metrics). */
  REPORT,
  /** An export of a registered version (merged model, GGUF). */
  EXPORT;

  /** The name in {@code manifest.json}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The kind named {@code id}; the error lists the known kinds. */
  public static ArtifactKind parse(String id) {
    for (ArtifactKind k : values()) {
      if (k.id().equals(id)) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "unknown artifact kind '"
            + id
            + "' (known: "
            + Arrays.stream(values()).map(ArtifactKind::id).collect(Collectors.joining(", "))
            + ")");
  }
}
