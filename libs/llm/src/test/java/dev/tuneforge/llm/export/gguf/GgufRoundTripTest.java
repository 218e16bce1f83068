package dev.tuneforge.llm.export.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.llm.safetensors.Floats;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writer → reader: the header, metadata, tensor infos, alignment and data come back as written. */
class GgufRoundTripTest {
  @TempDir Path dir;

  static Map<String, GgufValue> everyType() {
    Map<String, GgufValue> m = new LinkedHashMap<>();
    m.put("t.u8", new GgufValue(GgufValueType.UINT8, 255L, null));
    m.put("t.i8", new GgufValue(GgufValueType.INT8, -128L, null));
    m.put("t.u16", new GgufValue(GgufValueType.UINT16, 65535L, null));
    m.put("t.i16", new GgufValue(GgufValueType.INT16, -32768L, null));
    m.put("t.u32", GgufValue.uint32(4_000_000_000L));
    m.put("t.i32", GgufValue.int32(-7));
    m.put("t.u64", GgufValue.uint64(-1L)); // 2^64 - 1
    m.put("t.i64", new GgufValue(GgufValueType.INT64, Long.MIN_VALUE, null));
    m.put("t.f32", GgufValue.float32(0.1));
    m.put("t.f64", new GgufValue(GgufValueType.FLOAT64, 0.1, null));
    m.put("t.bool", GgufValue.bool(true));
    m.put("t.string", GgufValue.string("héllo ✓ \n"));
    m.put("t.strings", GgufValue.strings(List.of("a", "", "Ġthe")));
    m.put("t.ints", GgufValue.int32s(new int[] {1, -2, 3}));
    m.put("t.floats", GgufValue.float32s(new float[] {0.5f, -1.25f}));
    m.put(
        "t.nested",
        new GgufValue(
            GgufValueType.ARRAY,
            List.of(GgufValue.int32s(new int[] {1}), GgufValue.int32s(new int[] {2, 3})),
            GgufValueType.ARRAY));
    return m;
  }

  static float[] random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) (r.nextGaussian() * 0.3);
    }
    return out;
  }

  @Test
  void metadataTensorInfosAndDataComeBack() {
    float[] a = random(64 * 3, 1);
    float[] b = random(32 * 5, 2);
    float[] c = random(96 * 2, 3);
    float[] v = random(7, 4);
    GgufWriter w = new GgufWriter();
    everyType().forEach(w::put);
    w.addTensor("a.f32", new long[] {3, 64}, GgmlType.F32, a);
    w.addTensor("b.f16", new long[] {5, 32}, GgmlType.F16, b);
    w.addTensor("c.q8_0", new long[] {2, 96}, GgmlType.Q8_0, c);
    w.addTensor("v", new long[] {7}, GgmlType.F32, v);
    Path file = dir.resolve("t.gguf");
    long size = w.write(file);

    GgufFile f = GgufFile.read(file);
    assertEquals(3, f.version());
    assertEquals(32, f.alignment());
    Map<String, GgufValue> expected = new LinkedHashMap<>();
    expected.put("general.alignment", GgufValue.uint32(32));
    expected.putAll(everyType());
    assertEquals(expected, f.metadata());
    assertEquals(List.of("a.f32", "b.f16", "c.q8_0", "v"), List.copyOf(f.tensors().keySet()));
    assertArrayEquals(
        new long[] {64, 3}, f.tensor("a.f32").dims(), "ggml order: PyTorch shape reversed");
    assertArrayEquals(new long[] {3, 64}, f.tensor("a.f32").torchShape());
    for (GgufTensorInfo t : f.tensors().values()) {
      assertEquals(0, t.offset() % 32, t.name() + " offset aligned");
    }
    assertEquals(0, f.dataStart() % 32);
    assertEquals(
        size, f.dataStart() + align(f.tensor("v").offset() + f.tensor("v").byteSize(), 32));
    assertEquals(size, fileSize(file));

    assertArrayEquals(a, f.readFloats("a.f32"), "f32 exact");
    assertArrayEquals(v, f.readFloats("v"));
    float[] bBack = f.readFloats("b.f16");
    for (int i = 0; i < b.length; i++) {
      // half precision: 11 significant bits, so relative error <= 2^-11 in the normal range
      assertEquals(Floats.f16ToFloat(Floats.floatToF16(b[i])), bBack[i]);
      assertTrue(Math.abs(b[i] - bBack[i]) <= Math.abs(b[i]) * 0x1p-11 + 0x1p-25, "f16 value " + i);
    }
    float[] cBack = f.readFloats("c.q8_0");
    for (int blk = 0; blk < c.length / 32; blk++) {
      float amax = 0;
      for (int j = 0; j < 32; j++) {
        amax = Math.max(amax, Math.abs(c[blk * 32 + j]));
      }
      double d = amax / 127.0;
      double bound =
          d / 2 + 127 * Math.abs(d - Floats.f16ToFloat(Floats.floatToF16((float) d))) + 1e-6 * amax;
      for (int j = 0; j < 32; j++) {
        assertTrue(
            Math.abs(c[blk * 32 + j] - cBack[blk * 32 + j]) <= bound,
            "q8_0 block " + blk + " value " + j);
      }
    }
  }

  @Test
  void tensorsLargerThanOneEncodingChunkComeBackWhole() {
    float[] big = random((1 << 20) + 96, 9); // one chunk of 2^20 values and a partial one
    GgufWriter w = new GgufWriter();
    w.addTensor("big.f32", new long[] {big.length / 32, 32}, GgmlType.F32, big);
    w.addTensor("big.q8_0", new long[] {big.length / 32, 32}, GgmlType.Q8_0, big);
    GgufFile f = GgufFile.read(w.writeTo(dir.resolve("big.gguf")));
    assertArrayEquals(big, f.readFloats("big.f32"));
    assertArrayEquals(GgmlCodec.encode(GgmlType.Q8_0, big), f.rawData("big.q8_0").array());
  }

  @Test
  void aCustomAlignmentIsWrittenAndHonoured() {
    GgufWriter w = new GgufWriter(64);
    w.addTensor("x", new long[] {3}, GgmlType.F32, new float[] {1, 2, 3});
    w.addTensor("y", new long[] {5}, GgmlType.F32, new float[] {4, 5, 6, 7, 8});
    GgufFile f = GgufFile.read(w.writeTo(dir.resolve("a.gguf")));
    assertEquals(64, f.alignment());
    assertEquals(64, f.tensor("y").offset());
    assertEquals(0, f.dataStart() % 64);
    assertArrayEquals(new float[] {4, 5, 6, 7, 8}, f.readFloats("y"));
  }

  @Test
  void aFileWrittenByGgufPyReadsAsDescribed() throws IOException, URISyntaxException {
    Path file = Path.of(getClass().getResource("/gguf/gguf-py-written.gguf").toURI());
    JsonNode expected =
        new ObjectMapper().readTree(getClass().getResourceAsStream("/gguf/gguf-py-written.json"));
    float[] x = GgmlCodecTest.floats(GgmlCodecTest.quants().get("f32")); // the same [8, 64] inputs
    GgufFile f = GgufFile.read(file);
    assertEquals("llama", f.get("general.architecture").asString());
    assertEquals(200L, f.get("test.u8").asLong());
    assertEquals(-100L, f.get("test.i8").asLong());
    assertEquals(60000L, f.get("test.u16").asLong());
    assertEquals(-30000L, f.get("test.i16").asLong());
    assertEquals(4_000_000_000L, f.get("test.u32").asLong());
    assertEquals(-2_000_000_000L, f.get("test.i32").asLong());
    assertEquals((1L << 40) + 3, f.get("test.u64").asLong());
    assertEquals(-(1L << 40) - 3, f.get("test.i64").asLong());
    assertEquals(0.1f, f.get("test.f32").value());
    assertEquals(0.1, f.get("test.f64").value());
    assertEquals(true, f.get("test.bool").value());
    assertEquals("héllo, GGUF ✓", f.get("test.string").asString());
    assertEquals(List.of("a", "", "Ġthe"), f.get("test.strings").asList());
    assertEquals(128L, f.get("llama.context_length").asLong());
    for (var e : expected.get("tensors").properties()) {
      GgufTensorInfo t = f.tensor(e.getKey());
      JsonNode d = e.getValue();
      assertEquals(d.get("type").asText(), t.type().name(), e.getKey());
      long[] shape = new long[d.get("torch_shape").size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = d.get("torch_shape").get(i).asLong();
      }
      assertArrayEquals(shape, t.torchShape(), e.getKey());
      float[] values = f.readFloats(e.getKey());
      if (d.has("values")) {
        for (int i = 0; i < values.length; i++) {
          assertEquals(d.get("values").get(i).asDouble(), values[i], 0.0);
        }
        continue;
      }
      int from = d.get("rows").get(0).asInt() * 64;
      float[] src = java.util.Arrays.copyOfRange(x, from, from + values.length);
      // the stored bytes are exactly what this package encodes for the same values
      assertArrayEquals(GgmlCodec.encode(t.type(), src), f.rawData(e.getKey()).array(), e.getKey());
    }
  }

  @Test
  void writerRefusesWhatGgufCannotHold() {
    GgufWriter w = new GgufWriter();
    assertThrows(IllegalArgumentException.class, () -> w.put("Bad Key", GgufValue.bool(true)));
    w.put("a.b", GgufValue.bool(true));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> w.put("a.b", GgufValue.bool(false)))
            .getMessage()
            .contains("duplicate metadata key a.b"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> w.addTensor("x".repeat(64), new long[] {1}, GgmlType.F32, new float[1]))
            .getMessage()
            .contains("63"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> w.addTensor("q", new long[] {2, 40}, GgmlType.Q8_0, new float[80]))
            .getMessage()
            .contains("row length 40 is not a multiple of the Q8_0 block size 32"));
    w.addTensor("t", new long[] {2}, GgmlType.F32, new float[2]);
    assertThrows(
        IllegalArgumentException.class,
        () -> w.addTensor("t", new long[] {2}, GgmlType.F32, new float[2]));
    assertThrows(IllegalArgumentException.class, () -> new GgufWriter(12));
  }

  static long align(long x, int a) {
    return (x + a - 1) / a * a;
  }

  static long fileSize(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
