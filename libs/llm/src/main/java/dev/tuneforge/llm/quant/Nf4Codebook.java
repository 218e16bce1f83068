package dev.tuneforge.llm.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The two lookup tables every NF4 tensor on a device shares, created once per device: the NF4
 * byte-pair table (256 × 2 float32: the two levels each packed byte decodes to) and bitsandbytes'
 * dynamic 8-bit map (256 float32) for double-quantized absmax constants. 3 KiB in all, so they are
 * not counted in a tensor's resident bytes.
 */
public final class Nf4Codebook implements AutoCloseable {

  private final NDArray bytePairs;
  private final NDArray dynamicMap;

  public Nf4Codebook(NDManager manager) {
    this.bytePairs = manager.create(Nf4.bytePairTable(), new Shape(256, 2)); // (256, 2)
    this.dynamicMap = manager.create(DynamicMap8.values(), new Shape(256, 1)); // (256, 1)
  }

  /** (256, 2) float32: row b = (level of b's high nibble, level of b's low nibble). */
  NDArray bytePairs() {
    return bytePairs;
  }

  /** (256, 1) float32: the dynamic 8-bit map, one row per code so it gathers like an embedding. */
  NDArray dynamicMap() {
    return dynamicMap;
  }

  @Override
  public void close() {
    bytePairs.close();
    dynamicMap.close();
  }
}
