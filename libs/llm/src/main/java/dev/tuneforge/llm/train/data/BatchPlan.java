package dev.tuneforge.llm.train.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The batches of a run: rows (packed or not) in a per-epoch order from {@link EpochShuffle}, cut
 * into micro-batches. Random access by {@link DataPosition}, so a resumed run asks for the batch at
 * its saved position and gets exactly the batch the uninterrupted run saw there.
 *
 * <p>The last batch of an epoch may be smaller (HF's {@code drop_last=False}) unless {@code
 * dropLast}, which keeps every batch the same size. With {@code groupByLength} (and a shuffled plan
 * of batches larger than one row) rows of similar length share a batch ({@link LengthGroups}); a
 * batch of one row pads nothing, so its order stays the plain shuffle. Not thread-safe (one epoch's
 * order is cached).
 */
public final class BatchPlan {

  private final List<TrainingSequence> rows;
  private final int batchSize;
  private final long seed;
  private final boolean shuffle;
  private final boolean dropLast;
  private final int[] lengths; // row lengths, for length grouping only (else null)
  private final Collator collator;
  private int cachedEpoch = -1; // the order is O(rows): compute it once per epoch
  private int[][] cachedBatches;

  public BatchPlan(
      List<TrainingSequence> rows,
      int batchSize,
      long seed,
      boolean shuffle,
      boolean dropLast,
      Collator collator) {
    this(rows, batchSize, seed, shuffle, dropLast, false, collator);
  }

  public BatchPlan(
      List<TrainingSequence> rows,
      int batchSize,
      long seed,
      boolean shuffle,
      boolean dropLast,
      boolean groupByLength,
      Collator collator) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("micro_batch_size must be > 0, got " + batchSize);
    }
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("no training sequences");
    }
    if (dropLast && rows.size() < batchSize) {
      throw new IllegalArgumentException(
          rows.size() + " sequences make no full batch of " + batchSize);
    }
    this.rows = List.copyOf(rows);
    this.batchSize = batchSize;
    this.seed = seed;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.lengths =
        groupByLength && shuffle && batchSize > 1
            ? rows.stream().mapToInt(TrainingSequence::length).toArray()
            : null;
    this.collator = collator;
  }

  public int batchesPerEpoch() {
    return dropLast ? rows.size() / batchSize : (rows.size() + batchSize - 1) / batchSize;
  }

  /** The row indices of the batch at {@code pos}. */
  public int[] rowIndices(DataPosition pos) {
    if (pos.batchIndex() >= batchesPerEpoch()) {
      throw new IllegalArgumentException(
          "batch "
              + pos.batchIndex()
              + " is past the end of an epoch of "
              + batchesPerEpoch()
              + " batches");
    }
    return batches(pos.epoch())[pos.batchIndex()].clone();
  }

  public Batch batch(DataPosition pos) {
    List<TrainingSequence> picked = new ArrayList<>();
    for (int i : rowIndices(pos)) {
      picked.add(rows.get(i));
    }
    return collator.collate(picked);
  }

  /** The position after {@code pos}: the next batch, or the first of the next epoch. */
  public DataPosition next(DataPosition pos) {
    return pos.batchIndex() + 1 < batchesPerEpoch()
        ? new DataPosition(pos.epoch(), pos.batchIndex() + 1)
        : new DataPosition(pos.epoch() + 1, 0);
  }

  /** Batches from {@code start} (inclusive) to the end of epoch {@code epochs − 1}. */
  public Iterator<PlannedBatch> iterate(DataPosition start, int epochs) {
    return new Iterator<>() {
      private DataPosition pos = start;

      @Override
      public boolean hasNext() {
        return pos.epoch() < epochs;
      }

      @Override
      public PlannedBatch next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        PlannedBatch b = new PlannedBatch(pos, batch(pos));
        pos = BatchPlan.this.next(pos);
        return b;
      }
    };
  }

  private int[][] batches(int epoch) {
    if (epoch != cachedEpoch) {
      cachedBatches =
          lengths != null
              ? LengthGroups.batches(lengths, batchSize, seed, epoch, dropLast)
              : cut(shuffle ? EpochShuffle.permutation(seed, epoch, rows.size()) : identity());
      cachedEpoch = epoch;
    }
    return cachedBatches;
  }

  /** Consecutive slices of {@code order}, as many as {@link #batchesPerEpoch()}. */
  private int[][] cut(int[] order) {
    int[][] out = new int[batchesPerEpoch()][];
    for (int b = 0; b < out.length; b++) {
      int from = b * batchSize;
      out[b] = Arrays.copyOfRange(order, from, Math.min(order.length, from + batchSize));
    }
    return out;
  }

  private int[] identity() {
    int[] order = new int[rows.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    return order;
  }

  /** A batch with the position it was taken from. */
  public record PlannedBatch(DataPosition position, Batch batch) {}
}
