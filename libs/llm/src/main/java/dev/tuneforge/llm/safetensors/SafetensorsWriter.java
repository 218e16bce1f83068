package dev.tuneforge.llm.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Writes float32 tensors as a safetensors file in F32, BF16 (round to nearest even) or F16. The
 * file is written next to the target and moved into place, so readers never see half a file.
 */
public final class SafetensorsWriter {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CHUNK = 1 << 20;

  private SafetensorsWriter() {}

  public static void write(Path file, Map<String, FloatTensor> tensors, DType dtype) {
    write(file, tensors, dtype, Map.of("format", "pt"));
  }

  public static void write(
      Path file, Map<String, FloatTensor> tensors, DType dtype, Map<String, String> metadata) {
    ObjectNode header = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = header.putObject("__metadata__");
      metadata.forEach(meta::put);
    }
    long offset = 0;
    for (Map.Entry<String, FloatTensor> e : tensors.entrySet()) {
      ObjectNode t = header.putObject(e.getKey());
      t.put("dtype", dtype.name());
      ArrayNode shape = t.putArray("shape");
      for (long d : e.getValue().shape()) {
        shape.add(d);
      }
      long len = (long) e.getValue().data().length * dtype.bytes();
      t.putArray("data_offsets").add(offset).add(offset + len);
      offset += len;
    }
    byte[] json;
    try {
      json = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int padded = (json.length + 7) / 8 * 8; // data section starts 8-aligned, padded with spaces
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
      head.putLong(padded).put(json);
      while (head.hasRemaining()) {
        head.put((byte) ' ');
      }
      head.flip();
      writeAll(ch, head);
      ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
      for (FloatTensor t : tensors.values()) {
        for (float v : t.data()) {
          if (buf.remaining() < 4) {
            buf.flip();
            writeAll(ch, buf);
            buf.clear();
          }
          switch (dtype) {
            case F32 -> buf.putFloat(v);
            case BF16 -> buf.putShort(Floats.floatToBf16(v));
            case F16 -> buf.putShort(Floats.floatToF16(v));
          }
        }
      }
      buf.flip();
      writeAll(ch, buf);
      ch.force(true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move " + tmp + " to " + file, e);
    }
  }

  private static void writeAll(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }
}
