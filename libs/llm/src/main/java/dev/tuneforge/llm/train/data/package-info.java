/**
 * Examples to batches. {@link dev.tuneforge.llm.train.data.ExampleJson} reads a record; {@link
 * dev.tuneforge.llm.train.data.ExampleTokenizer} produces ids and labels (targets only on
 * completions and assistant turns, found by rendering the chat template on growing prefixes, see
 * {@code ChatSpans}); {@link dev.tuneforge.llm.train.data.Packer} packs examples into rows with
 * per-example position and segment ids; {@link dev.tuneforge.llm.train.data.Collator} pads; {@link
 * dev.tuneforge.llm.train.data.BatchPlan} orders rows per epoch with a documented PRNG ({@link
 * dev.tuneforge.llm.train.data.EpochShuffle}) so a {@link
 * dev.tuneforge.llm.train.data.DataPosition} restores the exact batch sequence; {@link
 * dev.tuneforge.llm.train.data.AttentionMasks} turns segment ids into the block-diagonal causal
 * mask on the device. Written against {@link dev.tuneforge.llm.train.data.TokenEncoder} and {@link
 * dev.tuneforge.llm.train.data.TemplateRenderer}; {@link
 * dev.tuneforge.llm.train.data.EngineAdapters} connects the engine's tokenizer and template.
 */
package dev.tuneforge.llm.train.data;
