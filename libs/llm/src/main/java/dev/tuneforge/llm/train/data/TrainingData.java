package dev.tuneforge.llm.train.data;

import java.util.ArrayList;
import java.util.List;

/**
 * The whole path from examples to a {@link BatchPlan}: tokenize (with truncation), drop examples
 * left without any target token (they would add nothing but a 0/0 loss), pack if asked, shuffle per
 * epoch. Keeps the counts a run report needs.
 *
 * @param plan the batches
 * @param examples examples given
 * @param truncated examples cut at sequence_len
 * @param droppedNoTarget examples dropped because no target token survived
 * @param targetTokens target tokens over all kept examples (per epoch)
 */
public record TrainingData(
    BatchPlan plan, int examples, int truncated, int droppedNoTarget, long targetTokens) {

  /** Batching options: Axolotl's sample_packing, micro_batch_size, seed and group_by_length. */
  public record Options(
      boolean samplePacking,
      int microBatchSize,
      long seed,
      boolean shuffle,
      boolean dropLast,
      int padId,
      int padToLength,
      boolean groupByLength) {}

  public static TrainingData build(
      List<Example> examples,
      ExampleTokenizer tokenizer,
      TokenizationConfig config,
      Options options) {
    List<TokenizedExample> kept = new ArrayList<>();
    int truncated = 0;
    int dropped = 0;
    long targets = 0;
    for (int i = 0; i < examples.size(); i++) {
      TokenizedExample t;
      try {
        t = tokenizer.tokenize(examples.get(i));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("example " + i + ": " + e.getMessage(), e);
      }
      if (t.truncated()) {
        truncated++;
      }
      if (t.targetCount() == 0) {
        dropped++;
        continue;
      }
      targets += t.targetCount();
      kept.add(t);
    }
    if (kept.isEmpty()) {
      throw new IllegalArgumentException(
          "none of the "
              + examples.size()
              + " examples has a target token left after masking and truncation");
    }
    List<TrainingSequence> rows =
        options.samplePacking()
            ? Packer.pack(kept, config.sequenceLen())
            : kept.stream().map(TrainingSequence::of).toList();
    BatchPlan plan =
        new BatchPlan(
            rows,
            options.microBatchSize(),
            options.seed(),
            options.shuffle(),
            options.dropLast(),
            options.groupByLength(),
            new Collator(options.padId(), options.padToLength()));
    return new TrainingData(plan, examples.size(), truncated, dropped, targets);
  }
}
