package dev.tuneforge.llm.train.data;

/**
 * A padded batch, every array row-major (batchSize, seqLen). Padding is on the right: id {@code
 * padId}, label IGNORE, position 0, segment 0, attention mask 0.
 *
 * <p>The model builds its attention mask from {@code segmentIds}: query i may attend key j iff
 * {@code segment[i] == segment[j] != 0 && j <= i} ({@link #attends}); without packing this is the
 * usual causal mask plus padding mask. {@code positionIds} go to the rotary embedding.
 */
public record Batch(
    int batchSize,
    int seqLen,
    int[] inputIds,
    int[] labels,
    int[] positionIds,
    int[] segmentIds,
    int[] attentionMask) {

  public Batch {
    int n = batchSize * seqLen;
    if (inputIds.length != n
        || labels.length != n
        || positionIds.length != n
        || segmentIds.length != n
        || attentionMask.length != n) {
      throw new IllegalArgumentException(
          "batch arrays must hold " + batchSize + " x " + seqLen + " values");
    }
  }

  /** Tokens with a loss: the normaliser of the loss (summed over accumulated micro-batches). */
  public int targetTokens() {
    int n = 0;
    for (int l : labels) {
      if (l != TokenizedExample.IGNORE) {
        n++;
      }
    }
    return n;
  }

  /** Non-padding tokens (for tokens/s). */
  public int realTokens() {
    int n = 0;
    for (int m : attentionMask) {
      n += m;
    }
    return n;
  }

  /** Whether, in row {@code b}, query position {@code i} may attend key position {@code j}. */
  public boolean attends(int b, int i, int j) {
    int si = segmentIds[b * seqLen + i];
    return si != 0 && j <= i && segmentIds[b * seqLen + j] == si;
  }
}
