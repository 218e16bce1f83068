package dev.tuneforge.llm.export.gguf;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A GGUF file read and checked against ggml's {@code docs/gguf.md}: magic and version 3, every
 * metadata key (ASCII, unique, typed value, booleans 0 or 1, valid UTF-8 strings), the alignment
 * ({@code general.alignment}: a uint32 power of two, 32 when absent), every tensor info (name of at
 * most 63 bytes and unique, 1 to 4 positive dimensions, a known type whose block size divides the
 * row, an aligned offset), and the data section: it starts at the first aligned position after the
 * tensor infos with zero padding, tensors lie back to back each padded to the alignment (as ggml's
 * own loader requires), and the file holds all of it. Every problem is an {@link
 * IllegalArgumentException} naming the file and the field, key or tensor.
 *
 * <p>Tensor data is read on request, one tensor at a time.
 */
public final class GgufFile {
  private final Path path;
  private final int version;
  private final Map<String, GgufValue> metadata;
  private final Map<String, GgufTensorInfo> tensors;
  private final int alignment;
  private final long dataStart;

  private GgufFile(
      Path path,
      int version,
      Map<String, GgufValue> metadata,
      Map<String, GgufTensorInfo> tensors,
      int alignment,
      long dataStart) {
    this.path = path;
    this.version = version;
    this.metadata = metadata;
    this.tensors = tensors;
    this.alignment = alignment;
    this.dataStart = dataStart;
  }

  public static GgufFile read(Path path) {
    long fileSize;
    InputStream stream;
    try {
      fileSize = Files.size(path);
      stream = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
    try (LeIn in = new LeIn(stream, fileSize, path)) {
      int magic = in.u32("magic");
      if (magic != GgufWriter.MAGIC) {
        throw in.bad("magic is 0x" + Integer.toHexString(magic) + ", expected the bytes 'GGUF'");
      }
      int version = in.u32("version");
      if (version != GgufWriter.VERSION) {
        throw in.bad("version is " + Integer.toUnsignedString(version) + ", expected 3");
      }
      long tensorCount = in.u64("tensor_count");
      long kvCount = in.u64("metadata_kv_count");
      // every pair needs at least a key length, a type and one byte of value; every tensor info
      // 8+4+8+4+8
      if (kvCount < 0
          || kvCount > fileSize / 13
          || tensorCount < 0
          || tensorCount > fileSize / 32) {
        throw in.bad(
            "counts tensor_count="
                + tensorCount
                + ", metadata_kv_count="
                + kvCount
                + " cannot fit in a file of "
                + fileSize
                + " bytes");
      }
      Map<String, GgufValue> meta = new LinkedHashMap<>();
      for (long i = 0; i < kvCount; i++) {
        String key = in.string("metadata key #" + i);
        if (!key.chars().allMatch(c -> c >= 0x20 && c < 0x7f) || key.isEmpty()) {
          throw in.bad("metadata key #" + i + " '" + key + "' is not printable ASCII");
        }
        long typeId = Integer.toUnsignedLong(in.u32("type of " + key));
        GgufValueType type = GgufValueType.byId(typeId);
        if (type == null) {
          throw in.bad("metadata key " + key + " has unknown value type " + typeId);
        }
        GgufValue value = readValue(in, type, key);
        if (meta.put(key, value) != null) {
          throw in.bad("metadata key " + key + " appears twice");
        }
      }
      int alignment = GgufWriter.DEFAULT_ALIGNMENT;
      GgufValue a = meta.get("general.alignment");
      if (a != null) {
        if (a.type() != GgufValueType.UINT32) {
          throw in.bad("general.alignment must be a uint32, found " + a.type());
        }
        long al = a.asLong();
        if (al < 8 || al > (1 << 30) || Long.bitCount(al) != 1) {
          throw in.bad("general.alignment " + al + " is not a power of two >= 8");
        }
        alignment = (int) al;
      }
      Map<String, GgufTensorInfo> infos = new LinkedHashMap<>();
      for (long i = 0; i < tensorCount; i++) {
        GgufTensorInfo t = readTensorInfo(in, i, alignment);
        if (infos.put(t.name(), t) != null) {
          throw in.bad("tensor " + t.name() + " appears twice");
        }
      }
      long headerEnd = in.position();
      long dataStart = GgufWriter.align(headerEnd, alignment);
      for (long p = headerEnd; p < dataStart; p++) {
        if (in.u8("padding") != 0) {
          throw in.bad("padding before the data section at byte " + p + " is not zero");
        }
      }
      long expected = 0;
      for (GgufTensorInfo t : infos.values()) {
        if (t.offset() != expected) {
          throw in.bad(
              "tensor "
                  + t.name()
                  + " has offset "
                  + t.offset()
                  + ", expected "
                  + expected
                  + " (tensors lie back to back, each padded to "
                  + alignment
                  + " bytes)");
        }
        expected = GgufWriter.align(t.offset() + t.byteSize(), alignment);
      }
      if (dataStart + expected > fileSize) {
        throw in.bad(
            "data section needs "
                + expected
                + " bytes from offset "
                + dataStart
                + " but the file has "
                + fileSize
                + " bytes (truncated?)");
      }
      return new GgufFile(
          path,
          version,
          Collections.unmodifiableMap(meta),
          Collections.unmodifiableMap(infos),
          alignment,
          dataStart);
    }
  }

  private static GgufTensorInfo readTensorInfo(LeIn in, long i, int alignment) {
    String name = in.string("name of tensor #" + i);
    if (name.isEmpty()
        || name.getBytes(StandardCharsets.UTF_8).length > GgufWriter.MAX_NAME_BYTES) {
      throw in.bad(
          "tensor #"
              + i
              + " name '"
              + name
              + "' must be 1.."
              + GgufWriter.MAX_NAME_BYTES
              + " bytes");
    }
    long nDims = Integer.toUnsignedLong(in.u32("n_dimensions of " + name));
    if (nDims < 1 || nDims > 4) {
      throw in.bad("tensor " + name + " has " + nDims + " dimensions (1..4)");
    }
    long[] dims = new long[(int) nDims];
    long numel = 1;
    for (int d = 0; d < nDims; d++) {
      dims[d] = in.u64("dimension " + d + " of " + name);
      if (dims[d] <= 0 || numel > Long.MAX_VALUE / dims[d]) {
        throw in.bad(
            "tensor " + name + " has dimension " + d + " = " + Long.toUnsignedString(dims[d]));
      }
      numel *= dims[d];
    }
    long typeId = Integer.toUnsignedLong(in.u32("type of " + name));
    GgmlType type = GgmlType.byId(typeId);
    if (type == null) {
      throw in.bad(
          "tensor "
              + name
              + " has ggml type "
              + typeId
              + " (this reader knows F32, F16, Q4_0, Q8_0)");
    }
    if (dims[0] % type.blockSize() != 0) {
      throw in.bad(
          "tensor "
              + name
              + ": row length "
              + dims[0]
              + " is not a multiple of the "
              + type
              + " block size "
              + type.blockSize());
    }
    long offset = in.u64("offset of " + name);
    if (offset < 0 || offset % alignment != 0) {
      throw in.bad(
          "tensor "
              + name
              + " offset "
              + Long.toUnsignedString(offset)
              + " is not a multiple of the alignment "
              + alignment);
    }
    return new GgufTensorInfo(name, dims, type, offset);
  }

  private static GgufValue readValue(LeIn in, GgufValueType type, String key) {
    if (type == GgufValueType.ARRAY) {
      long elemId = Integer.toUnsignedLong(in.u32("element type of " + key));
      GgufValueType elem = GgufValueType.byId(elemId);
      if (elem == null) {
        throw in.bad("array " + key + " has unknown element type " + elemId);
      }
      long n = in.u64("length of " + key);
      long minSize = elem.size() > 0 ? elem.size() : 8;
      if (n < 0 || n > in.remaining() / minSize) {
        throw in.bad(
            "array "
                + key
                + " claims "
                + Long.toUnsignedString(n)
                + " elements, more than the file holds");
      }
      List<Object> out = new ArrayList<>((int) n);
      for (long i = 0; i < n; i++) {
        GgufValue e = readValue(in, elem, key + "[" + i + "]");
        out.add(elem == GgufValueType.ARRAY ? e : e.value());
      }
      return new GgufValue(GgufValueType.ARRAY, out, elem);
    }
    Object v =
        switch (type) {
          case UINT8 -> (long) in.u8(key);
          case INT8 -> (long) (byte) in.u8(key);
          case UINT16 -> (long) in.u16(key);
          case INT16 -> (long) (short) in.u16(key);
          case UINT32 -> Integer.toUnsignedLong(in.u32(key));
          case INT32 -> (long) in.u32(key);
          case UINT64, INT64 -> in.u64(key);
          case FLOAT32 -> Float.intBitsToFloat(in.u32(key));
          case FLOAT64 -> Double.longBitsToDouble(in.u64(key));
          case BOOL -> {
            int b = in.u8(key);
            if (b > 1) {
              throw in.bad("bool " + key + " has byte value " + b + " (0 or 1)");
            }
            yield b == 1;
          }
          case STRING -> in.string(key);
          case ARRAY -> throw new AssertionError();
        };
    return new GgufValue(type, v, null);
  }

  public Path path() {
    return path;
  }

  public int version() {
    return version;
  }

  public Map<String, GgufValue> metadata() {
    return metadata;
  }

  /** The value of {@code key}; an error naming the key when absent. */
  public GgufValue get(String key) {
    GgufValue v = metadata.get(key);
    if (v == null) {
      throw new IllegalArgumentException(path + " has no metadata key " + key);
    }
    return v;
  }

  public Map<String, GgufTensorInfo> tensors() {
    return tensors;
  }

  public GgufTensorInfo tensor(String name) {
    GgufTensorInfo t = tensors.get(name);
    if (t == null) {
      throw new IllegalArgumentException(path + " has no tensor " + name);
    }
    return t;
  }

  public int alignment() {
    return alignment;
  }

  /** Absolute file offset of the data section. */
  public long dataStart() {
    return dataStart;
  }

  /** The stored bytes of a tensor. */
  public ByteBuffer rawData(String name) {
    GgufTensorInfo t = tensor(name);
    ByteBuffer buf =
        ByteBuffer.allocate(Math.toIntExact(t.byteSize())).order(ByteOrder.LITTLE_ENDIAN);
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long pos = dataStart + t.offset();
      while (buf.hasRemaining()) {
        int n = ch.read(buf, pos + buf.position());
        if (n < 0) {
          throw new IllegalArgumentException(path + ": tensor " + name + " is truncated");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read tensor " + name + " of " + path, e);
    }
    return buf.flip();
  }

  /** A tensor decoded (dequantized) to float32, row-major in PyTorch order. */
  public float[] readFloats(String name) {
    GgufTensorInfo t = tensor(name);
    return GgmlCodec.decode(t.type(), rawData(name), Math.toIntExact(t.numel()));
  }

  /** Little-endian reads with the position and the file size known, for bounds and messages. */
  private static final class LeIn implements AutoCloseable {
    private final InputStream in;
    private final long size;
    private final Path path;
    private long pos;

    LeIn(InputStream in, long size, Path path) {
      this.in = in;
      this.size = size;
      this.path = path;
    }

    long position() {
      return pos;
    }

    long remaining() {
      return size - pos;
    }

    IllegalArgumentException bad(String what) {
      return new IllegalArgumentException(path + ": not a valid GGUF file: " + what);
    }

    private byte[] read(int n, String field) {
      if (n > remaining()) {
        throw bad("file ends at byte " + size + " inside " + field);
      }
      try {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
          throw new EOFException();
        }
        pos += n;
        return b;
      } catch (IOException e) {
        throw bad("cannot read " + field + ": " + e);
      }
    }

    int u8(String field) {
      return read(1, field)[0] & 0xff;
    }

    int u16(String field) {
      return ByteBuffer.wrap(read(2, field)).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
    }

    int u32(String field) {
      return ByteBuffer.wrap(read(4, field)).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    long u64(String field) {
      return ByteBuffer.wrap(read(8, field)).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    String string(String field) {
      long len = u64("length of " + field);
      if (len < 0 || len > remaining()) {
        throw bad(
            field + " has length " + Long.toUnsignedString(len) + ", beyond the end of the file");
      }
      byte[] b = read((int) Math.min(len, Integer.MAX_VALUE - 8), field);
      try {
        return StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(b))
            .toString();
      } catch (CharacterCodingException e) {
        throw bad(field + " is not valid UTF-8");
      }
    }

    @Override
    public void close() {
      try {
        in.close();
      } catch (IOException ignored) {
        // read-only
      }
    }
  }
}
