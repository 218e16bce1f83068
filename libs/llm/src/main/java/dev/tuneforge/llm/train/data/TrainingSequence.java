package dev.tuneforge.llm.train.data;

/**
 * One row of a batch before padding: one example, or several packed end to end. Per token: the id,
 * the label, the position id (restarting at 0 for each packed example, so each sees the positions
 * it would see alone) and the segment id (1, 2, … for the examples of the row). A token may attend
 * to an earlier-or-same token of the same segment only (block-diagonal causal).
 */
public record TrainingSequence(int[] inputIds, int[] labels, int[] positionIds, int[] segmentIds) {

  public TrainingSequence {
    int n = inputIds.length;
    if (labels.length != n || positionIds.length != n || segmentIds.length != n) {
      throw new IllegalArgumentException("sequence arrays differ in length");
    }
  }

  /** A row holding one example. */
  public static TrainingSequence of(TokenizedExample e) {
    int n = e.length();
    int[] pos = new int[n];
    int[] seg = new int[n];
    for (int i = 0; i < n; i++) {
      pos[i] = i;
      seg[i] = 1;
    }
    return new TrainingSequence(e.inputIds().clone(), e.labels().clone(), pos, seg);
  }

  public int length() {
    return inputIds.length;
  }

  /** Number of examples in the row. */
  public int segments() {
    return inputIds.length == 0 ? 0 : segmentIds[segmentIds.length - 1];
  }
}
