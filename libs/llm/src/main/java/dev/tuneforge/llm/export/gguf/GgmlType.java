package dev.tuneforge.llm.export.gguf;

/**
 * The ggml tensor types this package writes and reads, with their ids from ggml's {@code ggml_type}
 * (GGUF spec). Quantized types store blocks of {@link #blockSize()} values along the first ggml
 * dimension ({@code ne[0]}, the row) in {@link #typeSize()} bytes each.
 */
public enum GgmlType {
  F32(0, 1, 4),
  F16(1, 1, 2),
  /** 32 values: fp16 scale {@code d}, then 16 bytes of 4-bit codes {@code q}; value = (q - 8)·d. */
  Q4_0(2, 32, 18),
  /** 32 values: fp16 scale {@code d}, then 32 signed bytes {@code q}; value = q·d. */
  Q8_0(8, 32, 34);

  private final int id;
  private final int blockSize;
  private final int typeSize;

  GgmlType(int id, int blockSize, int typeSize) {
    this.id = id;
    this.blockSize = blockSize;
    this.typeSize = typeSize;
  }

  public int id() {
    return id;
  }

  /** Values per block (1 for plain floats). */
  public int blockSize() {
    return blockSize;
  }

  /** Bytes per block. */
  public int typeSize() {
    return typeSize;
  }

  public boolean quantized() {
    return blockSize > 1;
  }

  /** Bytes of {@code numel} values; {@code numel} must be a whole number of blocks. */
  public long bytes(long numel) {
    return numel / blockSize * typeSize;
  }

  /** The type with ggml id {@code id}, or null when this package does not know it. */
  public static GgmlType byId(long id) {
    for (GgmlType t : values()) {
      if (t.id == id) {
        return t;
      }
    }
    return null;
  }
}
