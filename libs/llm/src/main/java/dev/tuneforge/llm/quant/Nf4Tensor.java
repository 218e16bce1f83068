package dev.tuneforge.llm.quant;

import java.util.Arrays;

/**
 * A float tensor quantized to NF4 as QLoRA/bitsandbytes store a frozen base weight: the elements,
 * flattened row-major, cut into blocks of 64; each block divided by its absmax and rounded to the
 * nearest of the 16 NF4 levels; two 4-bit codes per byte (even index in the high nibble); the
 * absmax constants kept either as float32 or double-quantized ({@link DoubleQuantizedScales}).
 *
 * <p>Layout follows bitsandbytes' reference backend so the bytes mean the same thing there: a
 * tensor whose size is not a multiple of 64 has a shorter last block with its own absmax, and an
 * odd size is padded with one zero code to fill the last byte. Resident size with double
 * quantization: 0.5 (codes) + 1/64 (8-bit absmax) + 4/(64·256) (group scales) ≈ 0.516 bytes per
 * parameter; see {@link #residentBytes()}.
 *
 * <p>Instances are immutable; {@link #toDevice} makes the NDArray form used in training.
 */
public final class Nf4Tensor {

  private final long[] shape;
  private final long size;
  private final byte[] packed;
  private final BlockScales scales;

  /**
   * Assembles a tensor from stored parts (e.g. read from a checkpoint), checking they fit the
   * shape.
   */
  public Nf4Tensor(long[] shape, byte[] packed, BlockScales scales) {
    this.shape = shape.clone();
    this.size = checkedSize(shape);
    long bytes = (size + 1) / 2;
    long blocks = (size + Nf4.BLOCK_SIZE - 1) / Nf4.BLOCK_SIZE;
    if (packed.length != bytes) {
      throw new IllegalArgumentException(
          "NF4 tensor of shape "
              + Arrays.toString(shape)
              + " needs "
              + bytes
              + " packed bytes, got "
              + packed.length);
    }
    if (scales.blocks() != blocks) {
      throw new IllegalArgumentException(
          "NF4 tensor of shape "
              + Arrays.toString(shape)
              + " has "
              + blocks
              + " blocks of "
              + Nf4.BLOCK_SIZE
              + ", but "
              + scales.blocks()
              + " absmax values");
    }
    this.packed = packed.clone();
    this.scales = scales;
  }

  /**
   * Quantizes {@code values} (row-major, {@code product(shape)} floats).
   *
   * @param doubleQuant whether to double-quantize the absmax constants (QLoRA's default)
   * @throws IllegalArgumentException if the shape does not match the data, is empty, or a value is
   *     not finite (a NaN would silently poison its whole block)
   */
  public static Nf4Tensor quantize(float[] values, long[] shape, boolean doubleQuant) {
    long size = checkedSize(shape);
    if (size != values.length) {
      throw new IllegalArgumentException(
          "shape "
              + Arrays.toString(shape)
              + " holds "
              + size
              + " elements but "
              + values.length
              + " values were given");
    }
    int n = values.length;
    int blocks = (n + Nf4.BLOCK_SIZE - 1) / Nf4.BLOCK_SIZE;
    float[] absmax = new float[blocks];
    byte[] packed = new byte[(n + 1) / 2];
    int[] codes = new int[Nf4.BLOCK_SIZE];
    for (int b = 0; b < blocks; b++) {
      int from = b * Nf4.BLOCK_SIZE;
      int to = Math.min(n, from + Nf4.BLOCK_SIZE);
      float max = 0f;
      for (int i = from; i < to; i++) {
        float v = values[i];
        if (!Float.isFinite(v)) {
          throw new IllegalArgumentException(
              "value "
                  + v
                  + " at flat index "
                  + i
                  + " of a tensor of shape "
                  + Arrays.toString(shape)
                  + " cannot be quantized");
        }
        max = Math.max(max, Math.abs(v));
      }
      absmax[b] = max;
      // bitsandbytes scales by the reciprocal (x * (1/absmax)); an all-zero block maps to
      // the exact-zero code instead of bitsandbytes' 0 * inf = NaN (which also decodes to 0).
      float inv = 1f / max;
      for (int i = from; i < to; i++) {
        codes[i - from] = max == 0f ? Nf4.ZERO_CODE : Nf4.nearestCode(values[i] * inv);
      }
      for (int i = from; i < to; i += 2) {
        int odd = i + 1 < to ? codes[i + 1 - from] : Nf4.ZERO_CODE; // odd size: pad with 0
        packed[i / 2] = Nf4.pack(codes[i - from], odd);
      }
    }
    BlockScales scales =
        doubleQuant ? DoubleQuantizedScales.quantize(absmax) : new BlockScales.Plain(absmax);
    return new Nf4Tensor(shape, packed, scales);
  }

  /** Dequantizes to float32 on the Java heap, row-major. */
  public float[] dequantize() {
    float[] absmax = scales.absmax();
    float[] out = new float[(int) size];
    for (int i = 0; i < out.length; i++) {
      byte b = packed[i >> 1];
      int code = (i & 1) == 0 ? Nf4.highCode(b) : Nf4.lowCode(b);
      out[i] = Nf4.level(code) * absmax[i / Nf4.BLOCK_SIZE];
    }
    return out;
  }

  /** The 4-bit code of flat element {@code index}. */
  public int code(long index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException(
          "flat index " + index + " outside shape " + Arrays.toString(shape));
    }
    byte b = packed[(int) (index >> 1)];
    return (index & 1) == 0 ? Nf4.highCode(b) : Nf4.lowCode(b);
  }

  /**
   * Copies this tensor to NDArrays on {@code manager}'s device, the form a QLoRA layer keeps
   * resident and dequantizes on the fly.
   */
  public Nf4DeviceTensor toDevice(ai.djl.ndarray.NDManager manager, Nf4Codebook codebook) {
    return Nf4DeviceTensor.upload(this, manager, codebook);
  }

  public long[] shape() {
    return shape.clone();
  }

  public long size() {
    return size;
  }

  /** The packed codes (a copy), {@code ceil(size / 2)} bytes, even index in the high nibble. */
  public byte[] packed() {
    return packed.clone();
  }

  /** The packed codes without a copy, for uploading (callers must not modify it). */
  byte[] packedView() {
    return packed;
  }

  public BlockScales scales() {
    return scales;
  }

  /**
   * Bytes held by this tensor's data: packed codes plus absmax constants (the shared 16- and
   * 256-entry code tables are not per tensor and not counted).
   */
  public long residentBytes() {
    return packed.length + scales.bytes();
  }

  /** {@link #residentBytes()} divided by the number of parameters. */
  public double bytesPerParameter() {
    return (double) residentBytes() / size;
  }

  static long checkedSize(long[] shape) {
    if (shape.length == 0) {
      throw new IllegalArgumentException(
          "NF4 needs a tensor with at least one dimension, got shape []");
    }
    long size = 1;
    for (long d : shape) {
      if (d <= 0) {
        throw new IllegalArgumentException(
            "NF4 cannot quantize shape "
                + Arrays.toString(shape)
                + ": every dimension must be positive");
      }
      size = Math.multiplyExact(size, d);
    }
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "shape "
              + Arrays.toString(shape)
              + " has "
              + size
              + " elements, more than one Java array holds; quantize it in row slices");
    }
    return size;
  }
}
