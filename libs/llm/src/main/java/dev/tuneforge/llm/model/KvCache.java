package dev.tuneforge.llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tuneforge.llm.config.ModelConfig;

/**
 * Keys and values of past positions, preallocated for {@code capacity} slots per layer (growing by
 * concatenation was ~3.5x slower here, NOTES.md). Each forward writes its new keys/values into slots
 * {@code [length, length + T)} in place and attends over {@code [0, length + T)}; the caller
 * advances {@link #length} once all layers have run (the model does it in {@code forward}).
 */
public final class KvCache implements AutoCloseable {
  private final NDManager manager;
  private final NDArray[] keys; // per layer [B, KV, capacity, d]
  private final NDArray[] values; // per layer [B, KV, capacity, d]
  private final int batch;
  private final int capacity;
  private int length;

  public KvCache(NDManager parent, ModelConfig shape, int batch, int capacity) {
    this(parent, shape.numLayers(), shape.numKvHeads(), shape.headDim(), batch, capacity);
  }

  private KvCache(NDManager parent, int layers, int kvHeads, int headDim, int batch, int capacity) {
    this.manager = parent.newSubManager();
    this.batch = batch;
    this.capacity = capacity;
    this.keys = new NDArray[layers];
    this.values = new NDArray[layers];
    Shape s = new Shape(batch, kvHeads, capacity, headDim);
    for (int l = 0; l < layers; l++) {
      keys[l] = manager.zeros(s, DataType.FLOAT32);
      values[l] = manager.zeros(s, DataType.FLOAT32);
    }
  }

  /** Number of filled slots. */
  public int length() {
    return length;
  }

  public int capacity() {
    return capacity;
  }

  public int batch() {
    return batch;
  }

  /** Lends the cache arrays to {@code step} so slices taken during the forward are freed with it. */
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
    if (length + t > capacity) {
      throw new IllegalStateException(
          "KV cache full: " + length + " + " + t + " tokens exceed capacity " + capacity);
    }
    NDIndex slots = new NDIndex(":, :, {}:{}", length, length + t);
    keys[layer].set(slots, k);
    values[layer].set(slots, v);
    NDIndex filled = new NDIndex(":, :, :{}", length + t);
    return new NDArray[] {keys[layer].get(filled), values[layer].get(filled)};
  }

  void advance(int tokens) {
    length += tokens;
  }

  @Override
  public void close() {
    manager.close();
  }
}
