package dev.tuneforge.llm.train;

import dev.tuneforge.llm.model.CausalLM;
import java.nio.file.Path;

/**
 * Writes the result of a run into its output folder: a complete HF model folder for full
 * fine-tuning ({@link FullModelWriter}), a PEFT adapter folder for LoRA.
 */
@FunctionalInterface
public interface OutputWriter {

  /** Writes the trained model's output into {@code outputDir} (which exists). */
  void write(CausalLM model, Path outputDir);
}
