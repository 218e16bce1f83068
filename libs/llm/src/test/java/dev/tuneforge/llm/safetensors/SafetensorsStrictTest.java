package dev.tuneforge.llm.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.testutil.Bounded;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Headers that lie, built byte by byte: each is refused with the file, tensor and field named, the
 * way the reference implementation (huggingface/safetensors) refuses them, within bounded time and
 * heap.
 */
class SafetensorsStrictTest {

  @TempDir Path dir;

  private static final String OK_W =
      "\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}";

  private Path raw(String name, String header, long dataBytes) throws IOException {
    return raw(name, header.getBytes(StandardCharsets.UTF_8), dataBytes);
  }

  private Path raw(String name, byte[] header, long dataBytes) throws IOException {
    Path f = dir.resolve(name);
    ByteBuffer b =
        ByteBuffer.allocate((int) (8 + header.length + dataBytes)).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(header.length).put(header);
    Files.write(f, b.array());
    return f;
  }

  private static String refused(Path file) {
    Bounded.Cost cost = Bounded.measure(() -> SafetensorsFile.open(file).close());
    IllegalArgumentException e =
        assertInstanceOf(
            IllegalArgumentException.class,
            cost.thrown(),
            "expected a refusal of " + file.getFileName());
    assertTrue(cost.cpuMillis() < 5_000 && cost.peakHeapGrowthMib() < 512, cost.toString());
    assertTrue(e.getMessage().contains(file.toString()), "names the file: " + e.getMessage());
    return e.getMessage();
  }

  private void assertRefused(String header, long dataBytes, String... expected) throws IOException {
    String message = refused(raw("t" + System.nanoTime() + ".safetensors", header, dataBytes));
    for (String part : expected) {
      assertTrue(message.contains(part), "expected '" + part + "' in: " + message);
    }
  }

  @Test
  void shapesMustBeArraysOfNonNegativeIntegers() throws IOException {
    assertRefused(
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,96.5],\"data_offsets\":[0,24]}}",
        24,
        "tensor \"w\" field \"shape\": element 1 is 96.5, not a non-negative integer");
    assertRefused(
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[\"96\"],\"data_offsets\":[0,384]}}",
        384,
        "tensor \"w\" field \"shape\": element 0 is \"96\"");
    assertRefused(
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[-2,-3],\"data_offsets\":[0,24]}}",
        24,
        "tensor \"w\" field \"shape\": element 0 is -2");
    assertRefused(
        "{\"w\":{\"dtype\":\"F32\",\"shape\":6,\"data_offsets\":[0,24]}}",
        24,
        "tensor \"w\" field \"shape\" must be an array");
    assertRefused(
        "{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,24]}}",
        24,
        "tensor \"w\" field \"shape\" must be an array",
        "found nothing");
    // 2^32 * 2^32 elements wraps a 64-bit product: refused, not read as a small tensor.
    assertRefused(
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4],"
            + "\"data_offsets\":[0,0]}}",
        0,
        "tensor \"w\" field \"shape\": the element count overflows");
  }

  @Test
  void dtypeAndOffsetsAreChecked() throws IOException {
    assertRefused(
        "{\"w\":{\"dtype\":\"F33\",\"shape\":[2],\"data_offsets\":[0,8]}}",
        8,
        "tensor \"w\" field \"dtype\": unknown dtype \"F33\"");
    assertRefused(
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,16]}}",
        8,
        "tensor \"w\" field \"data_offsets\" must have 2 elements");
    assertRefused(
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0.0,8]}}",
        8,
        "tensor \"w\" field \"data_offsets\": element 0 is 0.0");
    assertRefused(
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,12]}}",
        12,
        "tensor \"w\" field \"data_offsets\": [0, 12] spans 12 bytes but shape [2] of F32 needs 8");
  }

  @Test
  void tensorsMustNeitherOverlapNorLeaveGapsAndMustCoverTheData() throws IOException {
    assertRefused(
        "{" + OK_W + ",\"v\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[16,24]}}",
        24,
        "tensor \"v\" data_offsets [16, 24] overlap tensor \"w\" ([0, 24])");
    assertRefused(
        "{\"v\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}",
        16,
        "tensor \"v\" starts at 8 but the data before it ends at 0 (a gap of 8 bytes)");
    assertRefused(
        "{" + OK_W + "}",
        4096,
        "the tensors cover 24 bytes but the data section has"
            + " 4096 (unaccounted bytes at the end)");
    assertRefused("{" + OK_W + "}", 8, "(the file is truncated)");
  }

  @Test
  void headerSizeDepthAndMetadataAreBounded() throws IOException {
    // A header length that promises 55 GB: refused before anything is allocated.
    Path huge = dir.resolve("huge.safetensors");
    Files.write(
        huge,
        ByteBuffer.allocate(16)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putLong(55_000_000_000L)
            .putLong(0)
            .array());
    assertTrue(refused(huge).contains("header length 55000000000 is over the limit of 100000000"));
    assertRefused(
        "{\"__metadata__\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}",
        0,
        "safetensors header is not valid JSON",
        "nesting depth");
    assertRefused(
        "{\"__metadata__\":{\"format\":{\"a\":1}}}",
        0,
        "\"__metadata__\" entry \"format\" must be a string, found object");
    assertRefused("{" + OK_W + "," + OK_W + "}", 24, "is not valid JSON", "Duplicate field 'w'");
    assertRefused("{\"w\": oops}", 0, "is not valid JSON at line 1, column");
    assertRefused("[" + OK_W + "]", 24, "does not start with '{'");
    assertTrue(
        refused(raw("utf.safetensors", new byte[] {'{', (byte) 0xC3, '}'}, 0))
            .contains("not valid UTF-8"));
  }

  @Test
  void notARegularFileIsRefusedByName() throws Exception {
    Path link = dir.resolve("zero.safetensors");
    Files.createSymbolicLink(link, Path.of("/dev/zero"));
    assertTrue(refused(link).contains("is not a regular file (it is a FIFO, socket or device)"));
    Path fifo = dir.resolve("fifo.safetensors");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    if (mkfifo.waitFor() == 0) {
      assertTrue(refused(fifo).contains("is not a regular file"));
    }
  }

  @Test
  void indexEntriesAreCheckedByName() throws IOException {
    Path model = Files.createDirectory(dir.resolve("model"));
    SafetensorsWriter.write(
        model.resolve("a.safetensors"),
        Map.of("w", new FloatTensor(new long[] {2}, new float[] {1, 2})),
        DType.F32);
    String[][] cases = {
      {"{\"weight_map\":{\"w\":7}}", "entry \"w\" must name a .safetensors shard, found number 7"},
      {"{\"weight_map\":{\"w\":\"a.bin\"}}", "entry \"w\" must name a .safetensors shard"},
      {"{\"weight_map\":[]}", "field \"weight_map\" must be a JSON object"},
      {"{\"weight_map\":{}}", "field \"weight_map\" is empty"},
      {
        "{\"metadata\":5,\"weight_map\":{\"w\":\"a.safetensors\"}}",
        "\"metadata\" must be an object"
      },
      {"{\"weight_map\":{\"w\":\"a.safetensors\",\"w\":\"a.safetensors\"}}", "Duplicate field 'w'"},
      {"{\"weight_map\":{\"w\":\"../a.safetensors\"}}", "escapes the model folder"},
    };
    for (String[] c : cases) {
      Files.writeString(model.resolve(SafetensorsCheckpoint.INDEX), c[0]);
      Bounded.Cost cost =
          Bounded.measure(() -> SafetensorsCheckpoint.open(new LocalModelSource(model)).close());
      IllegalArgumentException e =
          assertInstanceOf(IllegalArgumentException.class, cost.thrown(), c[0]);
      assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
    }
  }

  @Test
  void largeTensorsAreReadInRowChunks() throws IOException {
    // The path that lets tensors over 2 GiB load, exercised with a 40-byte chunk: 3 rows of 3
    // floats
    // per chunk, the last one short.
    float[] data = new float[7 * 3];
    for (int i = 0; i < data.length; i++) {
      data[i] = i * 0.5f - 3;
    }
    Path model = Files.createDirectory(dir.resolve("big"));
    SafetensorsWriter.write(
        model.resolve(SafetensorsCheckpoint.SINGLE),
        Map.of("w", new FloatTensor(new long[] {7, 3}, data)),
        DType.BF16);
    try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(new LocalModelSource(model))) {
      List<Long> firsts = new ArrayList<>();
      float[] joined = new float[data.length];
      ckpt.readFloat32(
          "w",
          40,
          (first, floats) -> {
            firsts.add(first);
            floats.asFloatBuffer().get(joined, (int) (long) first, floats.remaining() / 4);
          });
      assertEquals(List.of(0L, 9L, 18L), firsts);
      assertArrayEquals(ckpt.readFloats("w"), joined);
      try (NDManager manager = NDManager.newBaseManager()) {
        NDArray chunked = NDArrayReader.read(ckpt, "w", manager, 40);
        NDArray whole = NDArrayReader.read(ckpt, "w", manager);
        assertArrayEquals(new long[] {7, 3}, chunked.getShape().getShape());
        assertArrayEquals(whole.toFloatArray(), chunked.toFloatArray());
        assertArrayEquals(data, chunked.toFloatArray()); // these values are exact in bf16
      }
    }
  }
}
