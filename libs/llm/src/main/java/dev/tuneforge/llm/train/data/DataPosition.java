package dev.tuneforge.llm.train.data;

/**
 * Where the data stream is: the epoch and the index of the next batch within it. Saved in every
 * checkpoint; with the seed it determines every later batch.
 */
public record DataPosition(int epoch, int batchIndex) {

  public static final DataPosition START = new DataPosition(0, 0);

  public DataPosition {
    if (epoch < 0 || batchIndex < 0) {
      throw new IllegalArgumentException(
          "data position must be non-negative, got epoch " + epoch + " batch " + batchIndex);
    }
  }
}
