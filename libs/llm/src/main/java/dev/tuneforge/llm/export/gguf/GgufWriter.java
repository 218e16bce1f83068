package dev.tuneforge.llm.export.gguf;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Writes a GGUF version 3 file as ggml's {@code docs/gguf.md} specifies, little-endian:
 *
 * <pre>
 *   "GGUF" | uint32 version=3 | uint64 tensor_count | uint64 metadata_kv_count
 *   metadata_kv[]: string key | uint32 value_type | value
 *   tensor_info[]: string name | uint32 n_dims | uint64 dims[n_dims] (ggml order) | uint32 type | uint64 offset
 *   0x00 padding to ALIGNMENT
 *   tensor data, each tensor starting at a multiple of ALIGNMENT, zero padding after each
 * </pre>
 *
 * where a string is {@code uint64 length} + UTF-8 bytes and an array is {@code uint32 element_type}
 * + {@code uint64 count} + elements. {@code general.alignment} (uint32) is always written. Tensors
 * are laid out in the order they were added, back to back with padding (ggml's reader requires
 * exactly that); each tensor's data is produced only when written, so one tensor at a time is in
 * memory, and float32 values are encoded in chunks of 2^20 (a multiple of every block size). The
 * file is written under a temporary name and moved into place when complete.
 */
public final class GgufWriter {
  public static final int DEFAULT_ALIGNMENT = 32;
  static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
  static final int VERSION = 3;
  static final int MAX_NAME_BYTES = 63;

  /** Spec: lower_snake_case segments separated by dots (digits allowed, e.g. blk-style indices). */
  private static final Pattern KEY = Pattern.compile("[a-z0-9_]+(\\.[a-z0-9_]+)*");

  private final int alignment;
  private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
  private final List<Pending> tensors = new ArrayList<>();
  private final Set<String> names = new LinkedHashSet<>();

  /**
   * A tensor to write: its encoded bytes, or float32 values encoded chunk by chunk while writing.
   */
  private record Pending(GgufTensorInfo info, Supplier<byte[]> bytes, Supplier<float[]> values) {}

  /** Values encoded per chunk, so no tensor's encoding has to fit one Java array. */
  private static final int CHUNK_VALUES = 1 << 20;

  public GgufWriter() {
    this(DEFAULT_ALIGNMENT);
  }

  /**
   * @param alignment a power of two, at least 8 (the spec asks for a multiple of 8)
   */
  public GgufWriter(int alignment) {
    if (alignment < 8 || Integer.bitCount(alignment) != 1) {
      throw new IllegalArgumentException(
          "general.alignment must be a power of two >= 8, got " + alignment);
    }
    this.alignment = alignment;
    metadata.put("general.alignment", GgufValue.uint32(alignment));
  }

  /** Adds a metadata pair; keys are unique, ASCII lower_snake_case segments joined by dots. */
  public GgufWriter put(String key, GgufValue value) {
    if (key.length() > 65535 || !KEY.matcher(key).matches()) {
      throw new IllegalArgumentException(
          "invalid GGUF metadata key '"
              + key
              + "' (lower_snake_case ASCII segments separated by dots)");
    }
    if (key.equals("general.alignment")) {
      throw new IllegalArgumentException("general.alignment is set through the constructor");
    }
    if (metadata.putIfAbsent(key, value) != null) {
      throw new IllegalArgumentException("duplicate metadata key " + key);
    }
    return this;
  }

  /**
   * Adds a tensor.
   *
   * @param torchShape PyTorch shape, outermost first (written reversed, in ggml order)
   * @param data produces exactly {@code type.bytes(numel)} bytes when the tensor is written
   */
  public GgufWriter addTensor(
      String name, long[] torchShape, GgmlType type, Supplier<byte[]> data) {
    return add(name, torchShape, type, data, null);
  }

  /**
   * Adds a tensor given as float32 values (row-major, PyTorch order), produced when the tensor is
   * written and encoded as {@code type} in chunks.
   */
  public GgufWriter addFloatTensor(
      String name, long[] torchShape, GgmlType type, Supplier<float[]> values) {
    return add(name, torchShape, type, null, values);
  }

  /** Convenience: float32 values already in memory. */
  public GgufWriter addTensor(String name, long[] torchShape, GgmlType type, float[] values) {
    return addFloatTensor(name, torchShape, type, () -> values);
  }

  private GgufWriter add(
      String name,
      long[] torchShape,
      GgmlType type,
      Supplier<byte[]> bytes,
      Supplier<float[]> values) {
    int nameBytes = name.getBytes(StandardCharsets.UTF_8).length;
    if (name.isEmpty() || nameBytes > MAX_NAME_BYTES) {
      throw new IllegalArgumentException(
          "tensor name '" + name + "' must be 1.." + MAX_NAME_BYTES + " bytes");
    }
    if (!names.add(name)) {
      throw new IllegalArgumentException("duplicate tensor " + name);
    }
    if (torchShape.length < 1 || torchShape.length > 4) {
      throw new IllegalArgumentException(
          "tensor " + name + " has " + torchShape.length + " dimensions (1..4)");
    }
    long[] dims = GgufTensorInfo.ggmlDims(torchShape);
    for (long d : dims) {
      if (d <= 0) {
        throw new IllegalArgumentException("tensor " + name + " has a dimension " + d);
      }
    }
    if (dims[0] % type.blockSize() != 0) {
      throw new IllegalArgumentException(
          "tensor "
              + name
              + ": row length "
              + dims[0]
              + " is not a multiple of the "
              + type
              + " block size "
              + type.blockSize());
    }
    long offset = 0;
    if (!tensors.isEmpty()) {
      GgufTensorInfo last = tensors.get(tensors.size() - 1).info();
      offset = align(last.offset() + last.byteSize(), alignment);
    }
    tensors.add(new Pending(new GgufTensorInfo(name, dims, type, offset), bytes, values));
    return this;
  }

  public List<GgufTensorInfo> tensorInfos() {
    return tensors.stream().map(Pending::info).toList();
  }

  /** Writes the file and returns its path (convenience for chaining). */
  public Path writeTo(Path out) {
    write(out);
    return out;
  }

  /** Writes the file; returns its size in bytes. */
  public long write(Path out) {
    Path tmp = out.toAbsolutePath().resolveSibling(out.getFileName() + ".partial");
    long size;
    try {
      if (out.toAbsolutePath().getParent() != null) {
        Files.createDirectories(out.toAbsolutePath().getParent());
      }
      try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
        LeOut head = new LeOut();
        head.u32(MAGIC);
        head.u32(VERSION);
        head.u64(tensors.size());
        head.u64(metadata.size());
        for (Map.Entry<String, GgufValue> e : metadata.entrySet()) {
          head.string(e.getKey());
          head.u32(e.getValue().type().id());
          writeValue(head, e.getValue().type(), e.getValue().value(), e.getValue().elementType());
        }
        for (Pending p : tensors) {
          GgufTensorInfo t = p.info();
          head.string(t.name());
          head.u32(t.dims().length);
          for (long d : t.dims()) {
            head.u64(d);
          }
          head.u32(t.type().id());
          head.u64(t.offset());
        }
        long pos = head.size();
        head.zeros((int) (align(pos, alignment) - pos));
        head.bytes.writeTo(os);
        long written = 0;
        for (Pending p : tensors) {
          GgufTensorInfo t = p.info();
          os.write(new byte[(int) (t.offset() - written)]);
          written = t.offset() + writeData(os, p);
        }
        long end = align(written, alignment);
        os.write(new byte[(int) (end - written)]);
        size = align(pos, alignment) + end;
      }
      Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + out, e);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // best effort
      }
    }
    return size;
  }

  private static long writeData(OutputStream os, Pending p) throws IOException {
    GgufTensorInfo t = p.info();
    if (p.bytes() != null) {
      byte[] data = p.bytes().get();
      if (data.length != t.byteSize()) {
        throw new IllegalStateException(
            "tensor "
                + t.name()
                + " produced "
                + data.length
                + " bytes, expected "
                + t.byteSize()
                + " ("
                + t.type()
                + ", "
                + t.numel()
                + " values)");
      }
      os.write(data);
      return data.length;
    }
    float[] values = p.values().get();
    if (values.length != t.numel()) {
      throw new IllegalStateException(
          "tensor " + t.name() + " produced " + values.length + " values, expected " + t.numel());
    }
    long n = 0;
    for (int from = 0; from < values.length; from += CHUNK_VALUES) {
      byte[] chunk =
          GgmlCodec.encode(t.type(), values, from, Math.min(values.length, from + CHUNK_VALUES));
      os.write(chunk);
      n += chunk.length;
    }
    return n;
  }

  private static void writeValue(LeOut o, GgufValueType type, Object v, GgufValueType elementType) {
    switch (type) {
      case UINT8, INT8, BOOL ->
          o.bytes.write(type == GgufValueType.BOOL ? ((Boolean) v ? 1 : 0) : (int) (long) (Long) v);
      case UINT16, INT16 -> o.u16((int) (long) (Long) v);
      case UINT32, INT32 -> o.u32((int) (long) (Long) v);
      case UINT64, INT64 -> o.u64((Long) v);
      case FLOAT32 -> o.u32(Float.floatToRawIntBits((Float) v));
      case FLOAT64 -> o.u64(Double.doubleToRawLongBits((Double) v));
      case STRING -> o.string((String) v);
      case ARRAY -> {
        if (v instanceof GgufValue nested) { // an element of a nested array
          o.u32(nested.elementType().id());
          writeArray(o, nested.elementType(), nested.asList());
        } else {
          o.u32(elementType.id());
          writeArray(o, elementType, (List<?>) v);
        }
      }
    }
  }

  private static void writeArray(LeOut o, GgufValueType elementType, List<?> elements) {
    o.u64(elements.size());
    for (Object e : elements) {
      writeValue(o, elementType, e, null);
    }
  }

  static long align(long offset, int alignment) {
    return offset + (alignment - (offset % alignment)) % alignment;
  }

  /** Little-endian primitives into a growing byte array (the header is small next to the data). */
  private static final class LeOut {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);

    void u16(int v) {
      bytes.write(v);
      bytes.write(v >>> 8);
    }

    void u32(int v) {
      for (int i = 0; i < 4; i++) {
        bytes.write(v >>> (8 * i));
      }
    }

    void u64(long v) {
      for (int i = 0; i < 8; i++) {
        bytes.write((int) (v >>> (8 * i)));
      }
    }

    void string(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      u64(b.length);
      bytes.write(b, 0, b.length);
    }

    void zeros(int n) {
      bytes.write(new byte[n], 0, n);
    }

    long size() {
      return bytes.size();
    }
  }
}
