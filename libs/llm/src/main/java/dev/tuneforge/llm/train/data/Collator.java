package dev.tuneforge.llm.train.data;

import java.util.Arrays;
import java.util.List;

/**
 * Pads rows into a {@link Batch}: to the longest row of the batch, or to a fixed length (static
 * shapes, e.g. for benchmarks or compiled graphs).
 */
public final class Collator {

  private final int padId;
  private final int fixedLength;

  /**
   * @param padId the tokenizer's pad id (or EOS when it has none, as HF recipes do); only ever seen
   *     by masked positions
   * @param fixedLength pad every batch to this length, or 0 for the longest row
   */
  public Collator(int padId, int fixedLength) {
    if (fixedLength < 0) {
      throw new IllegalArgumentException("fixed length must be >= 0, got " + fixedLength);
    }
    this.padId = padId;
    this.fixedLength = fixedLength;
  }

  public Batch collate(List<TrainingSequence> rows) {
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("cannot collate an empty batch");
    }
    int longest = rows.stream().mapToInt(TrainingSequence::length).max().orElseThrow();
    if (fixedLength > 0 && longest > fixedLength) {
      throw new IllegalArgumentException(
          "row of " + longest + " tokens exceeds the fixed length " + fixedLength);
    }
    int t = fixedLength > 0 ? fixedLength : longest;
    int b = rows.size();
    int[] ids = new int[b * t];
    int[] labels = new int[b * t];
    int[] pos = new int[b * t];
    int[] seg = new int[b * t];
    int[] mask = new int[b * t];
    Arrays.fill(ids, padId);
    Arrays.fill(labels, TokenizedExample.IGNORE);
    for (int r = 0; r < b; r++) {
      TrainingSequence s = rows.get(r);
      int n = s.length();
      System.arraycopy(s.inputIds(), 0, ids, r * t, n);
      System.arraycopy(s.labels(), 0, labels, r * t, n);
      System.arraycopy(s.positionIds(), 0, pos, r * t, n);
      System.arraycopy(s.segmentIds(), 0, seg, r * t, n);
      Arrays.fill(mask, r * t, r * t + n, 1);
    }
    return new Batch(b, t, ids, labels, pos, seg, mask);
  }
}
