/**
 * The training loop and its checkpoints. {@link dev.tuneforge.llm.train.Trainer} runs a job on a
 * {@link dev.tuneforge.llm.model.CausalLM}: which tensors train comes from a {@link
 * dev.tuneforge.llm.train.TrainableSet} (every parameter for full fine-tuning, the {@code lora_}
 * tensors for LoRA) and what is written at the end from an {@link
 * dev.tuneforge.llm.train.OutputWriter} ({@link dev.tuneforge.llm.train.FullModelWriter}: an HF
 * model folder). Progress goes to a {@link dev.tuneforge.llm.train.TrainingListener}; {@link
 * dev.tuneforge.llm.train.Checkpoints} are complete (manifest with sha256, written last, atomic
 * rename) or ignored, and resuming from one reproduces the uninterrupted run bit for bit on CPU.
 * {@code train.job} parses Axolotl-style job files and runs them locally.
 */
package dev.tuneforge.llm.train;
