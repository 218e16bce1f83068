package dev.tuneforge.llm.train.data;

/**
 * An example as token ids and labels of the same length, in HF's convention: {@code labels[t]} is
 * the target for the prediction made from tokens {@code 0..t-1} (the loss shifts by one), or {@link
 * #IGNORE} where no loss is taken. {@code labels[0]} is always IGNORE: no position predicts the
 * first token, and when examples are packed the previous example's last token must not learn to
 * predict it.
 */
public record TokenizedExample(int[] inputIds, int[] labels, boolean truncated) {

  /** PyTorch's cross-entropy ignore_index. */
  public static final int IGNORE = -100;

  public TokenizedExample {
    if (inputIds.length != labels.length) {
      throw new IllegalArgumentException(inputIds.length + " ids but " + labels.length + " labels");
    }
    if (inputIds.length == 0) {
      throw new IllegalArgumentException("an example tokenized to no tokens");
    }
    if (labels[0] != IGNORE) {
      throw new IllegalArgumentException("the first label must be ignored, got " + labels[0]);
    }
  }

  public int length() {
    return inputIds.length;
  }

  /** Number of tokens that carry a loss. */
  public int targetCount() {
    int n = 0;
    for (int l : labels) {
      if (l != IGNORE) {
        n++;
      }
    }
    return n;
  }
}
