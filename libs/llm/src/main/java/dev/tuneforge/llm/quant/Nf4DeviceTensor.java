package dev.tuneforge.llm.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import dev.tuneforge.llm.model.NativeCopy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link Nf4Tensor} resident on a DJL device (CPU or GPU) as uint8 codes plus its absmax
 * constants, dequantized on demand with tensor ops only (a gather from the byte-pair table, one
 * broadcast multiply), so the same code runs on a GPU without a custom kernel.
 *
 * <p>Stored arrays (n = parameters, B = ceil(n/64) blocks, G = ceil(B/256) groups): codes uint8
 * (B·32) — the packed bytes padded with zero codes to whole blocks so dequantization is one
 * reshape; then either absmax float32 (B) or, double-quantized, absmax codes uint8 (G·256, padded),
 * group scales float32 (G) and the offset float32 (1). uint8 and float32 only: BF16 and the
 * 16/32-bit unsigned types abort libtorch in this DJL (NOTES).
 *
 * <p>Not thread-safe: dequantization temporarily attaches the stored arrays to a scratch manager.
 */
public final class Nf4DeviceTensor implements AutoCloseable {

  private final Shape shape;
  private final long size;
  private final int blocks;
  private final Nf4Codebook codebook;
  private final NDArray codes; // (B·32) uint8
  private final NDArray absmax; // (B) float32, plain scales only
  private final NDArray absmaxCodes; // (G·256) uint8, double quant only
  private final NDArray groupScales; // (G, 1) float32, double quant only
  private final NDArray offset; // (1) float32, double quant only

  private Nf4DeviceTensor(
      Shape shape,
      long size,
      int blocks,
      Nf4Codebook codebook,
      NDArray codes,
      NDArray absmax,
      NDArray absmaxCodes,
      NDArray groupScales,
      NDArray offset) {
    this.shape = shape;
    this.size = size;
    this.blocks = blocks;
    this.codebook = codebook;
    this.codes = codes;
    this.absmax = absmax;
    this.absmaxCodes = absmaxCodes;
    this.groupScales = groupScales;
    this.offset = offset;
  }

  static Nf4DeviceTensor upload(Nf4Tensor t, NDManager manager, Nf4Codebook codebook) {
    int blocks = t.scales().blocks();
    // from the tensor's own array through one direct buffer into libtorch-owned memory: no heap
    // copies (loading does not raise the heap's high-water mark), and no direct memory kept
    NDArray codes =
        uint8(
            manager,
            t.packedView(),
            blocks * (Nf4.BLOCK_SIZE / 2),
            Nf4.pack(Nf4.ZERO_CODE, Nf4.ZERO_CODE));
    Shape shape = new Shape(t.shape());
    if (t.scales() instanceof DoubleQuantizedScales dq) {
      float[] scales2 = dq.absmax2();
      NDArray absmaxCodes =
          uint8(
              manager, dq.codesView(), scales2.length * DoubleQuantizedScales.GROUP_SIZE, (byte) 0);
      NDArray groupScales = manager.create(scales2, new Shape(scales2.length, 1));
      NDArray offset = manager.create(new float[] {dq.offset()}, new Shape(1));
      return new Nf4DeviceTensor(
          shape, t.size(), blocks, codebook, codes, null, absmaxCodes, groupScales, offset);
    }
    NDArray absmax = manager.create(t.scales().absmax(), new Shape(blocks));
    return new Nf4DeviceTensor(shape, t.size(), blocks, codebook, codes, absmax, null, null, null);
  }

  /** A (length) uint8 array holding {@code data} followed by {@code pad} bytes. */
  private static NDArray uint8(NDManager manager, byte[] data, int length, byte pad) {
    ByteBuffer buf = ByteBuffer.allocateDirect(length).order(ByteOrder.nativeOrder());
    buf.put(data);
    while (buf.hasRemaining()) {
      buf.put(pad);
    }
    buf.rewind();
    return NativeCopy.of(manager, buf, new Shape(length), DataType.UINT8);
  }

  /**
   * Dequantizes to a float32 array of the original shape, owned by {@code into} (typically the
   * training step's sub-manager, so it is freed with the step). Intermediates are freed before
   * returning. Bit-identical to {@link Nf4Tensor#dequantize()}.
   */
  public NDArray dequantize(NDManager into) {
    try (NDManager scratch = into.newSubManager()) {
      // ops put results on their first operand's manager: borrow everything into scratch
      scratch.tempAttachAll(stored().toArray(new NDArray[0]));
      NDArray scale = blockAbsmax().reshape(blocks, 1); // (B, 1)
      NDArray idx = codes.toType(DataType.INT64, false); // (B·32)
      NDArray pairs = gather(codebook.bytePairs(), idx); // (B·32, 2)
      NDArray flat = pairs.reshape(blocks, Nf4.BLOCK_SIZE).mul(scale).reshape(-1); // (B·64)
      NDArray out = flat.size() == size ? flat : flat.get(new NDIndex(":{}", size)); // (n)
      NDArray result = out.reshape(shape);
      result.attach(into);
      return result;
    }
  }

  /** (B) float32 absmax per block: stored, or rebuilt as map[code]·scale[group] + offset. */
  private NDArray blockAbsmax() {
    if (absmax != null) {
      return absmax;
    }
    int groups = (int) groupScales.getShape().get(0);
    NDArray idx = absmaxCodes.toType(DataType.INT64, false); // (G·256)
    NDArray centred =
        gather(codebook.dynamicMap(), idx) // (G·256, 1)
            .reshape(groups, DoubleQuantizedScales.GROUP_SIZE)
            .mul(groupScales) // (G, 256)
            .reshape(-1); // (G·256)
    NDArray used =
        centred.size() == blocks ? centred : centred.get(new NDIndex(":{}", blocks)); // (B)
    return used.add(offset);
  }

  /**
   * Rows of {@code table} (K, C) picked by integer {@code idx} (N): (N, C). Embedding =
   * index_select.
   */
  private static NDArray gather(NDArray table, NDArray idx) {
    return idx.getNDArrayInternal().embedding(idx, table, SparseFormat.DENSE).singletonOrThrow();
  }

  private List<NDArray> stored() {
    List<NDArray> all = new ArrayList<>();
    all.add(codes);
    all.add(codebook.bytePairs());
    all.add(codebook.dynamicMap());
    for (NDArray a : new NDArray[] {absmax, absmaxCodes, groupScales, offset}) {
      if (a != null) {
        all.add(a);
      }
    }
    return all;
  }

  /** Bytes of this tensor's own device arrays (the shared codebook excluded). */
  public long residentBytes() {
    long bytes = 0;
    for (NDArray a : new NDArray[] {codes, absmax, absmaxCodes, groupScales, offset}) {
      if (a != null) {
        bytes += a.size() * a.getDataType().getNumOfBytes();
      }
    }
    return bytes;
  }

  public double bytesPerParameter() {
    return (double) residentBytes() / size;
  }

  /** Number of quantized parameters. */
  public long size() {
    return size;
  }

  /**
   * A copy of the stored uint8 codes (B·32 bytes, padded to whole blocks), e.g. to check that
   * training never writes to the frozen base.
   */
  public byte[] codeBytes() {
    return codes.toByteArray();
  }

  public Shape shape() {
    return shape;
  }

  @Override
  public void close() {
    for (NDArray a : new NDArray[] {codes, absmax, absmaxCodes, groupScales, offset}) {
      if (a != null) {
        a.close();
      }
    }
  }
}
