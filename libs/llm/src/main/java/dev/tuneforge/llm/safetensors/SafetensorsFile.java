package dev.tuneforge.llm.safetensors;

import dev.tuneforge.llm.io.Folders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;

/**
 * One {@code .safetensors} file: an 8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape and byte range, then the raw data. The header is parsed here; tensor data
 * is memory-mapped one tensor at a time and widened to float32 into a fresh native buffer, so at
 * most one tensor exists twice during a load (the page cache holds the file, not the heap).
 */
public final class SafetensorsFile implements AutoCloseable {

  private final Path path;
  private final FileChannel channel;
  private final long dataStart;
  private final Map<String, TensorInfo> tensors;
  private final Map<String, String> metadata;

  private SafetensorsFile(
      Path path,
      FileChannel channel,
      long dataStart,
      Map<String, TensorInfo> tensors,
      Map<String, String> metadata) {
    this.path = path;
    this.channel = channel;
    this.dataStart = dataStart;
    this.tensors = tensors;
    this.metadata = metadata;
  }

  /**
   * Opens and validates the header ({@link SafetensorsHeader}: as strict as the reference
   * implementation); refuses pickle-based checkpoints by name and files that are not regular files
   * (a FIFO or {@code /dev/zero} would block or never end).
   */
  public static SafetensorsFile open(Path path) {
    refusePickle(path);
    Folders.requireRegularFile(path, "safetensors file");
    FileChannel ch = null;
    try {
      ch = FileChannel.open(path, StandardOpenOption.READ);
      long size = ch.size();
      if (size < 8) {
        throw new IllegalArgumentException(
            path
                + " is not a safetensors file ("
                + size
                + " bytes, shorter than the 8-byte header length)");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0);
      long headerLen = lenBuf.getLong(0);
      if (headerLen < 0 || headerLen > SafetensorsHeader.MAX_HEADER_BYTES) {
        throw new IllegalArgumentException(
            path
                + ": safetensors header length "
                + Long.toUnsignedString(headerLen)
                + " is over the limit of "
                + SafetensorsHeader.MAX_HEADER_BYTES
                + " bytes");
      }
      if (headerLen < 2 || 8 + headerLen > size) {
        throw new IllegalArgumentException(
            path
                + ": safetensors header length "
                + headerLen
                + " does not fit the file size "
                + size);
      }
      ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
      readFully(ch, headerBuf, 8);
      long dataStart = 8 + headerLen;
      SafetensorsHeader header =
          SafetensorsHeader.parse(path.toString(), headerBuf.array(), size - dataStart);
      SafetensorsFile f =
          new SafetensorsFile(path, ch, dataStart, header.tensors(), header.metadata());
      ch = null;
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
    } finally {
      if (ch != null) {
        try {
          ch.close();
        } catch (IOException ignored) {
          // already failing
        }
      }
    }
  }

  /**
   * Pickle checkpoints ({@code .bin}, {@code .pt}, {@code .pth}, {@code .ckpt}, {@code .pkl}) run
   * arbitrary code when unpickled, so the engine never opens them.
   */
  public static void refusePickle(Path path) {
    String n = path.getFileName().toString().toLowerCase(Locale.ROOT);
    for (String ext : new String[] {".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle"}) {
      if (n.endsWith(ext)) {
        throw new IllegalArgumentException(
            "refusing to load "
                + path.getFileName()
                + ": pickle-based checkpoints can execute arbitrary code when loaded;"
                + " convert the model to safetensors");
      }
    }
  }

  public Path path() {
    return path;
  }

  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  public Map<String, String> metadata() {
    return metadata;
  }

  public TensorInfo info(String name) {
    TensorInfo t = tensors.get(name);
    if (t == null) {
      throw new IllegalArgumentException("no tensor " + name + " in " + path);
    }
    return t;
  }

  /** Receives a tensor in pieces: float32 values in native order, from element {@code first}. */
  @FunctionalInterface
  public interface ChunkSink {
    void accept(long first, ByteBuffer floats);
  }

  /** Largest piece {@link #readFloat32(String, long, ChunkSink)} hands out by default. */
  public static final long DEFAULT_CHUNK_BYTES = 256L << 20;

  /**
   * Reads a tensor widened to float32 into a new direct buffer in native byte order, ready to hand
   * to the native engine without another copy. A Java buffer holds at most 2 GiB: larger tensors (a
   * 70B model's embedding is ~4 GB) are read with {@link #readFloat32(String, long, ChunkSink)}.
   */
  public ByteBuffer readFloat32(String name) {
    TensorInfo t = info(name);
    long n = t.numel();
    if (n * 4 > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "tensor "
              + name
              + " ("
              + n * 4
              + " bytes as float32) is"
              + " larger than one buffer: read it in chunks");
    }
    ByteBuffer out = ByteBuffer.allocateDirect((int) (n * 4)).order(ByteOrder.nativeOrder());
    if (n > 0) {
      widen(t.dtype(), map(t, 0, (int) n), out, (int) n); // straight into the result: one copy
    }
    return out;
  }

  private MappedByteBuffer map(TensorInfo t, long first, int count) {
    int width = t.dtype().bytes();
    try {
      MappedByteBuffer src =
          channel.map(
              FileChannel.MapMode.READ_ONLY,
              dataStart + t.begin() + first * width,
              (long) count * width);
      src.order(ByteOrder.LITTLE_ENDIAN);
      return src;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot map tensor " + t.name() + " of " + path, e);
    }
  }

  /**
   * Reads a tensor widened to float32 in pieces of whole rows (of the outermost dimension) of at
   * most {@code maxChunkBytes} as float32 (one row if a row is larger): tensors over 2 GiB load,
   * and the process holds two chunk buffers, reused, besides what the sink builds. The file is
   * read, not mapped, so no mapping of gigabytes stays resident until a garbage collection. The
   * buffer handed to the sink is reused: consume it before returning.
   */
  public void readFloat32(String name, long maxChunkBytes, ChunkSink sink) {
    TensorInfo t = info(name);
    long n = t.numel();
    if (n == 0) {
      sink.accept(0, ByteBuffer.allocateDirect(0).order(ByteOrder.nativeOrder()));
      return;
    }
    long row = t.shape().length == 0 ? 1 : n / t.shape()[0];
    long rowsPerChunk = Math.max(1, maxChunkBytes / 4 / row);
    long chunk = Math.min(rowsPerChunk * row, n);
    if (chunk * 4 > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "tensor "
              + name
              + " has rows of "
              + row * 4
              + " bytes as float32, more than one buffer holds");
    }
    int width = t.dtype().bytes();
    ByteBuffer src = ByteBuffer.allocateDirect((int) chunk * width).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer out = ByteBuffer.allocateDirect((int) chunk * 4).order(ByteOrder.nativeOrder());
    for (long first = 0; first < n; first += chunk) {
      int count = (int) Math.min(chunk, n - first);
      src.clear().limit(count * width);
      try {
        readFully(channel, src, dataStart + t.begin() + first * width);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read tensor " + name + " of " + path, e);
      }
      src.flip();
      out.clear();
      widen(t.dtype(), src, out, count);
      out.limit(count * 4);
      sink.accept(first, out.slice().order(ByteOrder.nativeOrder()));
    }
  }

  private static void widen(DType dtype, ByteBuffer src, ByteBuffer out, int count) {
    switch (dtype) {
      case F32 -> out.asFloatBuffer().put(src.asFloatBuffer());
      case BF16 -> {
        for (int i = 0; i < count; i++) {
          out.putFloat(i * 4, Floats.bf16ToFloat(src.getShort(i * 2)));
        }
      }
      case F16 -> {
        for (int i = 0; i < count; i++) {
          out.putFloat(i * 4, Floats.f16ToFloat(src.getShort(i * 2)));
        }
      }
    }
  }

  /** Reads a tensor widened to float32 into a Java array (tests and small tensors). */
  public float[] readFloats(String name) {
    ByteBuffer b = readFloat32(name);
    float[] out = new float[b.capacity() / 4];
    b.asFloatBuffer().get(out);
    return out;
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    while (buf.hasRemaining()) {
      int r = ch.read(buf, pos + buf.position());
      if (r < 0) {
        throw new IOException("unexpected end of file");
      }
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
