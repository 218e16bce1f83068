package dev.tuneforge.llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.tuneforge.llm.config.ModelConfig;

/**
 * Keys and values of past positions, preallocated for {@code capacity} slots per layer (growing by
 * concatenation was ~3.5x slower here, NOTES.md). Each forward writes its new keys/values into
 * slots {@code [length, length + T)} in place and attends over {@code [0, length + T)}; the caller
 * advances {@link #length} once all layers have run (the model does it in {@code forward}).
 *
 * <p>All rows share one slot timeline. {@link #rows} gives a view of some rows that writes into the
 * same storage and shares the timeline, so a continuous batch can prefill one newcomer's row while
 * the other rows' slots of that span stay masked out (see {@code generate.BatchedGenerator}).
 * Slices and writes go through {@link JniUtils} with index arrays (one native call each, no {@code
 * NDIndex} string parsing): at batch 1 the cache is touched four times per layer and token.
 */
public final class KvCache implements AutoCloseable {
  private final NDManager manager;
  private final NDArray[] keys; // per layer [B, KV, capacity, d]
  private final NDArray[] values; // per layer [B, KV, capacity, d]
  private final int batch;
  private final int capacity;
  private final int[] length; // shared with row views

  public KvCache(NDManager parent, ModelConfig shape, int batch, int capacity) {
    this(parent, shape.numLayers(), shape.numKvHeads(), shape.headDim(), batch, capacity);
  }

  KvCache(NDManager parent, int layers, int kvHeads, int headDim, int batch, int capacity) {
    if (batch < 1 || capacity < 1) {
      throw new IllegalArgumentException(
          "KV cache needs batch >= 1 and capacity >= 1, got " + batch + ", " + capacity);
    }
    this.manager = parent.newSubManager();
    this.batch = batch;
    this.capacity = capacity;
    this.keys = new NDArray[layers];
    this.values = new NDArray[layers];
    this.length = new int[1];
    Shape s = new Shape(batch, kvHeads, capacity, headDim);
    for (int l = 0; l < layers; l++) {
      keys[l] = manager.zeros(s, DataType.FLOAT32);
      values[l] = manager.zeros(s, DataType.FLOAT32);
    }
  }

  private KvCache(KvCache parent, int from, int to) {
    this.manager = parent.manager.newSubManager();
    this.batch = to - from;
    this.capacity = parent.capacity;
    this.length = parent.length;
    this.keys = new NDArray[parent.keys.length];
    this.values = new NDArray[parent.values.length];
    for (int l = 0; l < keys.length; l++) {
      keys[l] = slice(parent.keys[l], 0, from, to, manager); // view [to-from, KV, capacity, d]
      values[l] = slice(parent.values[l], 0, from, to, manager);
    }
  }

  /**
   * A view of rows {@code [from, to)}: writes land in this cache's storage, and advancing either
   * advances both (one timeline). Close the view before the cache (closing frees only the views).
   */
  public KvCache rows(int from, int to) {
    if (from < 0 || to > batch || from >= to) {
      throw new IllegalArgumentException(
          "rows [" + from + ", " + to + ") outside a batch of " + batch);
    }
    return new KvCache(this, from, to);
  }

  /** Number of filled slots. */
  public int length() {
    return length[0];
  }

  public int capacity() {
    return capacity;
  }

  public int batch() {
    return batch;
  }

  /**
   * Lends the cache arrays to {@code step} so slices taken during the forward are freed with it.
   */
  void attachTo(NDManager step) {
    for (int l = 0; l < keys.length; l++) {
      if (keys[l].getManager() != step) {
        step.tempAttachAll(keys[l], values[l]);
      }
    }
  }

  /**
   * Stores {@code k, v [B, KV, T, d]} at slots {@code [length, length+T)} of {@code layer} and
   * returns all filled keys and values {@code [B, KV, length+T, d]}.
   */
  NDArray[] append(int layer, NDArray k, NDArray v) {
    long t = k.getShape().get(2);
    int len = length[0];
    if (len + t > capacity) {
      throw new IllegalStateException(
          "KV cache full: " + len + " + " + t + " tokens exceed capacity " + capacity);
    }
    Shape s = keys[layer].getShape();
    long[] min = {0, 0, len, 0};
    long[] max = {s.get(0), s.get(1), len + t, s.get(3)};
    long[] step = {1, 1, 1, 1};
    JniUtils.indexSet((PtNDArray) keys[layer], (PtNDArray) k, min, max, step);
    JniUtils.indexSet((PtNDArray) values[layer], (PtNDArray) v, min, max, step);
    return new NDArray[] {
      JniUtils.slice((PtNDArray) keys[layer], 2, 0, len + t, 1),
      JniUtils.slice((PtNDArray) values[layer], 2, 0, len + t, 1)
    };
  }

  void advance(int tokens) {
    length[0] += tokens;
  }

  /**
   * Moves the timeline: the next forward writes at slot {@code length}. Slots at or beyond it keep
   * stale values that the caller's attention mask must hide.
   */
  public void setLength(int newLength) {
    if (newLength < 0 || newLength > capacity) {
      throw new IllegalArgumentException("length " + newLength + " outside [0, " + capacity + "]");
    }
    length[0] = newLength;
  }

  /**
   * Rewrites every row so that its slot {@code j} holds what slot {@code from[row][j]} held, for
   * {@code j < from[row].length} (rows may list fewer slots; the rest keep stale values). Used to
   * squeeze out the masked holes a continuous batch leaves, so the timeline can restart lower.
   */
  public void compact(int[][] from) {
    if (from.length != batch) {
      throw new IllegalArgumentException(
          "compact needs " + batch + " rows of slots, got " + from.length);
    }
    int width = 0;
    for (int[] row : from) {
      width = Math.max(width, row.length);
    }
    if (width == 0) {
      return;
    }
    try (NDManager scratch = manager.newSubManager()) {
      Shape s = keys[0].getShape();
      long kv = s.get(1);
      long d = s.get(3);
      long[] idx = new long[(int) (batch * kv * width * d)];
      for (int b = 0; b < batch; b++) {
        for (int h = 0; h < kv; h++) {
          for (int j = 0; j < width; j++) {
            long slot = j < from[b].length ? from[b][j] : 0;
            if (slot < 0 || slot >= capacity) {
              throw new IllegalArgumentException(
                  "row " + b + " slot " + slot + " outside the capacity " + capacity);
            }
            int base = (int) (((b * kv + h) * width + j) * d);
            for (int e = 0; e < d; e++) {
              idx[base + e] = slot;
            }
          }
        }
      }
      PtNDArray index = (PtNDArray) scratch.create(idx, new Shape(batch, kv, width, d));
      long[] min = {0, 0, 0, 0};
      long[] max = {batch, kv, width, d};
      long[] step = {1, 1, 1, 1};
      for (int l = 0; l < keys.length; l++) {
        for (NDArray[] arrays : new NDArray[][] {keys, values}) {
          scratch.tempAttachAll(arrays[l]);
          PtNDArray moved = JniUtils.gather((PtNDArray) arrays[l], index, 2); // [B, KV, width, d]
          JniUtils.indexSet((PtNDArray) arrays[l], moved, min, max, step);
        }
      }
    }
  }

  private static NDArray slice(NDArray a, long dim, long from, long to, NDManager owner) {
    NDArray view = JniUtils.slice((PtNDArray) a, dim, from, to, 1);
    view.attach(owner);
    return view;
  }

  @Override
  public void close() {
    manager.close();
  }
}
