package dev.tuneforge.llm.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.llm.model.LocalModelSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
  @TempDir Path dir;

  private static Map<String, FloatTensor> sample() {
    Map<String, FloatTensor> t = new LinkedHashMap<>();
    t.put(
        "a.weight",
        new FloatTensor(new long[] {2, 3}, new float[] {1f, -2.5f, 3.14159f, 0f, 1e-3f, -65504f}));
    t.put("b.bias", new FloatTensor(new long[] {2}, new float[] {0.1f, 7f}));
    return t;
  }

  @Test
  void f32RoundTripIsExact() {
    Path f = dir.resolve("model.safetensors");
    SafetensorsWriter.write(f, sample(), DType.F32);
    try (SafetensorsFile file = SafetensorsFile.open(f)) {
      assertArrayEquals(new long[] {2, 3}, file.info("a.weight").shape());
      assertEquals(DType.F32, file.info("a.weight").dtype());
      assertArrayEquals(sample().get("a.weight").data(), file.readFloats("a.weight"));
      assertArrayEquals(sample().get("b.bias").data(), file.readFloats("b.bias"));
      assertEquals("pt", file.metadata().get("format"));
    }
  }

  @Test
  void bf16RoundTripRoundsToNearestEvenAndWidensExactly() {
    Path f = dir.resolve("model.safetensors");
    SafetensorsWriter.write(f, sample(), DType.BF16);
    try (SafetensorsFile file = SafetensorsFile.open(f)) {
      float[] got = file.readFloats("a.weight");
      float[] src = sample().get("a.weight").data();
      for (int i = 0; i < src.length; i++) {
        assertEquals(expectedBf16(src[i]), got[i], 0.0, "element " + i);
      }
    }
    // Ties go to the even mantissa: 1 + 2^-8 lies halfway between 1 and 1 + 2^-7 → 1.
    assertEquals(1.0f, Floats.bf16ToFloat(Floats.floatToBf16(1f + 0x1p-8f)));
    // 1 + 3*2^-8 lies halfway between 1 + 2^-7 (odd) and 1 + 2^-6 (even) → 1 + 2^-6.
    assertEquals(1f + 0x1p-6f, Floats.bf16ToFloat(Floats.floatToBf16(1f + 3 * 0x1p-8f)));
    assertEquals(1f + 0x1p-7f, Floats.bf16ToFloat(Floats.floatToBf16(1f + 0x1p-8f + 0x1p-12f)));
  }

  /** Reference rounding in double: nearest multiple of the bf16 spacing, ties to even. */
  private static float expectedBf16(float x) {
    if (x == 0) {
      return x;
    }
    int exp = Math.getExponent(x);
    double ulp = Math.scalb(1.0, exp - 7);
    double q = x / ulp;
    double r = Math.rint(q); // rint rounds half to even
    return (float) (r * ulp);
  }

  @Test
  void f16RoundTripMatchesIeeeHalf() {
    float[] values = {
      0f, 1f, -2f, 0.1f, 65504f, 6.1035156e-5f, 5.9604645e-8f, 3.14159f, 1e-9f, 70000f
    };
    for (float v : values) {
      float back = Floats.f16ToFloat(Floats.floatToF16(v));
      double expected = v == 70000f ? Double.POSITIVE_INFINITY : halfReference(v);
      assertEquals(expected, back, 0.0, "value " + v);
    }
  }

  /** Half rounding in double: normals have 11 significant bits, subnormals a spacing of 2^-24. */
  private static double halfReference(float v) {
    if (v == 0) {
      return 0;
    }
    int exp = Math.max(Math.getExponent(v), -14);
    double ulp = Math.scalb(1.0, exp - 10);
    return Math.rint(v / ulp) * ulp;
  }

  @Test
  void shardedCheckpointIsReadThroughItsIndex() throws IOException {
    Map<String, FloatTensor> all = sample();
    SafetensorsWriter.write(
        dir.resolve("model-00001-of-00002.safetensors"),
        Map.of("a.weight", all.get("a.weight")),
        DType.F32);
    SafetensorsWriter.write(
        dir.resolve("model-00002-of-00002.safetensors"),
        Map.of("b.bias", all.get("b.bias")),
        DType.BF16);
    Files.writeString(
        dir.resolve("model.safetensors.index.json"),
        "{\"metadata\":{},\"weight_map\":{\"a.weight\":\"model-00001-of-00002.safetensors\","
            + "\"b.bias\":\"model-00002-of-00002.safetensors\"}}");
    try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(new LocalModelSource(dir))) {
      assertEquals(2, c.tensors().size());
      assertArrayEquals(all.get("a.weight").data(), c.readFloats("a.weight"));
      assertEquals(DType.BF16, c.info("b.bias").dtype());
      assertEquals(7f, c.readFloats("b.bias")[1]);
    }
  }

  @Test
  void validationListsMissingWrongShapeAndUnexpectedTensorsByName() {
    SafetensorsWriter.write(dir.resolve("model.safetensors"), sample(), DType.F32);
    try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(new LocalModelSource(dir))) {
      Map<String, long[]> expected = new LinkedHashMap<>();
      expected.put("a.weight", new long[] {3, 2});
      expected.put("c.weight", new long[] {4});
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> c.validate(expected, n -> false));
      assertTrue(e.getMessage().contains("missing tensors: c.weight"), e.getMessage());
      assertTrue(
          e.getMessage().contains("a.weight (expected [3, 2], found [2, 3])"), e.getMessage());
      assertTrue(e.getMessage().contains("unexpected tensors: b.bias"), e.getMessage());
    }
  }

  @Test
  void pickleCheckpointsAreRefusedWithTheReason() throws IOException {
    Files.write(dir.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 2, 'c'});
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SafetensorsCheckpoint.open(new LocalModelSource(dir)));
    assertTrue(e.getMessage().contains("pytorch_model.bin"), e.getMessage());
    assertTrue(e.getMessage().contains("arbitrary code"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SafetensorsFile.open(dir.resolve("x.pt")));
  }

  @Test
  void unsupportedDtypeAndCorruptHeaderAreNamed() throws IOException {
    Path f = dir.resolve("bad.safetensors");
    writeRaw(f, "{\"w\":{\"dtype\":\"I8\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SafetensorsFile.open(f));
    assertTrue(e.getMessage().contains("tensor \"w\" has unsupported dtype I8"), e.getMessage());

    Path g = dir.resolve("short.safetensors");
    writeRaw(g, "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8);
    e = assertThrows(IllegalArgumentException.class, () -> SafetensorsFile.open(g));
    assertTrue(
        e.getMessage()
            .contains(
                "the tensors cover 16 bytes but the data section has 8"
                    + " (the file is truncated): tensor \"w\" data_offsets [0, 16] lack 8 bytes"),
        e.getMessage());
  }

  private static void writeRaw(Path f, String header, int dataBytes) throws IOException {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    Files.write(f, b.array());
  }
}
