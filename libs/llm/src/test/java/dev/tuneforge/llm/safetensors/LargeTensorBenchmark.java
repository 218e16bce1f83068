package dev.tuneforge.llm.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.tuneforge.llm.model.LocalModelSource;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real tensor just over 2 GiB (131,136 x 4,096 float32, 2,148,532,224 bytes) in a sparse file,
 * loaded through the same path as ModelLoader. Tagged benchmark: it needs ~2.4 GB of native memory,
 * so it does not run in the default suite; the chunked path itself is covered there by
 * SafetensorsStrictTest with a lowered chunk size. {@code mvn -B -pl libs/llm -am verify
 * -Dtests.excluded=none -Dgroups=benchmark -Dtest=LargeTensorBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("benchmark")
class LargeTensorBenchmark {

  @TempDir Path dir;

  @Test
  void aTensorOverTwoGibLoads() throws Exception {
    long rows = 131_136;
    long cols = 4_096;
    long bytes = rows * cols * 4;
    byte[] header =
        ("{\"w\":{\"dtype\":\"F32\",\"shape\":["
                + rows
                + ","
                + cols
                + "],\"data_offsets\":[0,"
                + bytes
                + "]}}")
            .getBytes(StandardCharsets.UTF_8);
    Path model = Files.createDirectory(dir.resolve("big"));
    Path file = model.resolve(SafetensorsCheckpoint.SINGLE);
    long dataStart = 8 + header.length;
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.write(
          ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
      raf.write(header);
      raf.setLength(dataStart + bytes); // sparse: zeros except the marks below
      long[] marks = {0, 16_384 * cols - 1, 16_384 * cols, rows * cols - 1};
      for (int i = 0; i < marks.length; i++) {
        raf.seek(dataStart + marks[i] * 4);
        raf.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(i + 1.5f).array());
      }
    }
    long t0 = System.nanoTime();
    try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(new LocalModelSource(model));
        NDManager manager = NDManager.newBaseManager()) {
      NDArray w = NDArrayReader.read(ckpt, "w", manager);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertArrayEquals(new long[] {rows, cols}, w.getShape().getShape());
      assertEquals(1.5f, w.get(new NDIndex("0, 0")).getFloat());
      assertEquals(2.5f, w.get(new NDIndex("16383, 4095")).getFloat());
      assertEquals(3.5f, w.get(new NDIndex("16384, 0")).getFloat());
      assertEquals(4.5f, w.get(new NDIndex("131135, 4095")).getFloat());
      assertEquals(0f, w.get(new NDIndex("70000, 17")).getFloat());
      System.out.printf(
          "loaded %,d bytes as one [%d, %d] array in %d ms; VmHWM %s%n",
          bytes,
          rows,
          cols,
          ms,
          Files.readAllLines(Path.of("/proc/self/status")).stream()
              .filter(l -> l.startsWith("VmHWM"))
              .findFirst()
              .orElse("?"));
    }
  }
}
