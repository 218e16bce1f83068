package dev.tuneforge.llm.export.gguf;

import java.util.Arrays;

/**
 * A tensor's entry in a GGUF file.
 *
 * @param name at most 63 bytes of UTF-8 (ggml keeps 64 with the terminating NUL)
 * @param dims dimensions in ggml order: {@code dims[0]} is the innermost (row) length, i.e. the
 *     PyTorch shape reversed; a HF linear weight {@code [out, in]} is {@code {in, out}}
 * @param type storage type
 * @param offset byte offset of the data from the start of the data section, a multiple of the
 *     alignment
 */
public record GgufTensorInfo(String name, long[] dims, GgmlType type, long offset) {
  public GgufTensorInfo {
    dims = dims.clone();
  }

  public long numel() {
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    return n;
  }

  public long byteSize() {
    return type.bytes(numel());
  }

  /** The PyTorch shape (outermost first). */
  public long[] torchShape() {
    long[] s = new long[dims.length];
    for (int i = 0; i < dims.length; i++) {
      s[i] = dims[dims.length - 1 - i];
    }
    return s;
  }

  /** ggml order, outermost last, e.g. {@code {64, 128}} for a {@code [128, 64]} PyTorch weight. */
  public static long[] ggmlDims(long[] torchShape) {
    long[] d = new long[torchShape.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = torchShape[d.length - 1 - i];
    }
    return d;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GgufTensorInfo t
        && name.equals(t.name)
        && Arrays.equals(dims, t.dims)
        && type == t.type
        && offset == t.offset;
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(dims);
  }

  @Override
  public String toString() {
    return name + " " + type + " " + Arrays.toString(dims) + " @" + offset;
  }
}
