package dev.tuneforge.llm.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One {@code .safetensors} file: an 8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape and byte range, then the raw data. The header is parsed here; tensor data
 * is memory-mapped one tensor at a time and widened to float32 into a fresh native buffer, so at
 * most one tensor exists twice during a load (the page cache holds the file, not the heap).
 */
public final class SafetensorsFile implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_HEADER = 100L * 1024 * 1024;

  private final Path path;
  private final FileChannel channel;
  private final long dataStart;
  private final Map<String, TensorInfo> tensors;
  private final Map<String, String> metadata;

  private SafetensorsFile(Path path, FileChannel channel, long dataStart,
      Map<String, TensorInfo> tensors, Map<String, String> metadata) {
    this.path = path;
    this.channel = channel;
    this.dataStart = dataStart;
    this.tensors = tensors;
    this.metadata = metadata;
  }

  /** Opens and validates the header; refuses pickle-based checkpoints by name and by content. */
  public static SafetensorsFile open(Path path) {
    refusePickle(path);
    FileChannel ch = null;
    try {
      ch = FileChannel.open(path, StandardOpenOption.READ);
      long size = ch.size();
      if (size < 8) {
        throw new IllegalArgumentException(path + " is not a safetensors file (too short)");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0);
      long headerLen = lenBuf.getLong(0);
      if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
        throw new IllegalArgumentException(
            path + " is not a safetensors file (header length " + headerLen + ", file size " + size + ")");
      }
      ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
      readFully(ch, headerBuf, 8);
      String header = new String(headerBuf.array(), StandardCharsets.UTF_8);
      if (!header.startsWith("{")) {
        throw new IllegalArgumentException(path + " is not a safetensors file (header is not JSON)");
      }
      long dataStart = 8 + headerLen;
      long dataSize = size - dataStart;
      JsonNode root = JSON.readTree(header);
      Map<String, TensorInfo> tensors = new LinkedHashMap<>();
      Map<String, String> meta = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals("__metadata__")) {
          e.getValue().fields().forEachRemaining(m -> meta.put(m.getKey(), m.getValue().asText()));
          continue;
        }
        tensors.put(e.getKey(), parseEntry(path, e.getKey(), e.getValue(), dataSize));
      }
      SafetensorsFile f = new SafetensorsFile(path, ch, dataStart,
          Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(meta));
      ch = null;
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
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

  private static TensorInfo parseEntry(Path path, String name, JsonNode e, long dataSize) {
    DType dtype = DType.fromHeader(e.path("dtype").asText(), name);
    JsonNode shapeNode = e.get("shape");
    JsonNode offs = e.get("data_offsets");
    if (shapeNode == null || !shapeNode.isArray() || offs == null || offs.size() != 2) {
      throw new IllegalArgumentException(path + ": malformed header entry for tensor " + name);
    }
    long[] shape = new long[shapeNode.size()];
    long numel = 1;
    for (int i = 0; i < shape.length; i++) {
      shape[i] = shapeNode.get(i).asLong();
      if (shape[i] < 0) {
        throw new IllegalArgumentException(path + ": tensor " + name + " has a negative dimension");
      }
      numel *= shape[i];
    }
    long begin = offs.get(0).asLong();
    long end = offs.get(1).asLong();
    if (begin < 0 || end < begin || end > dataSize || end - begin != numel * dtype.bytes()) {
      throw new IllegalArgumentException(path + ": tensor " + name + " has data_offsets [" + begin
          + ", " + end + "] inconsistent with its shape or the file size");
    }
    return new TensorInfo(name, dtype, shape, begin, end);
  }

  /**
   * Pickle checkpoints ({@code .bin}, {@code .pt}, {@code .pth}, {@code .ckpt}, {@code .pkl}) run
   * arbitrary code when unpickled, so the engine never opens them.
   */
  public static void refusePickle(Path path) {
    String n = path.getFileName().toString().toLowerCase(Locale.ROOT);
    for (String ext : new String[] {".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle"}) {
      if (n.endsWith(ext)) {
        throw new IllegalArgumentException("refusing to load " + path.getFileName()
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

  /**
   * Reads a tensor widened to float32 into a new direct buffer in native byte order, ready to hand
   * to the native engine without another copy.
   */
  public ByteBuffer readFloat32(String name) {
    TensorInfo t = info(name);
    long n = t.numel();
    if (n * 4 > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("tensor " + name + " is too large for one buffer");
    }
    ByteBuffer out = ByteBuffer.allocateDirect((int) (n * 4)).order(ByteOrder.nativeOrder());
    if (n == 0) {
      return out;
    }
    MappedByteBuffer src;
    try {
      src = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + t.begin(), t.end() - t.begin());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot map tensor " + name + " of " + path, e);
    }
    src.order(ByteOrder.LITTLE_ENDIAN);
    switch (t.dtype()) {
      case F32 -> out.asFloatBuffer().put(src.asFloatBuffer());
      case BF16 -> {
        for (int i = 0; i < n; i++) {
          out.putFloat(i * 4, Floats.bf16ToFloat(src.getShort(i * 2)));
        }
      }
      case F16 -> {
        for (int i = 0; i < n; i++) {
          out.putFloat(i * 4, Floats.f16ToFloat(src.getShort(i * 2)));
        }
      }
    }
    return out;
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
