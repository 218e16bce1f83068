package dev.tuneforge.llm.export.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.llm.safetensors.Floats;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The encodings are ggml's: byte for byte what llama.cpp's gguf-py (documented bit-exact with
 * ggml's reference quantizers) wrote for the same inputs ({@code resources/gguf/quants.json}, made
 * by {@code src/test/python/make_gguf_fixtures.py}).
 */
class GgmlCodecTest {
  static JsonNode quants() {
    try (InputStream in = GgmlCodecTest.class.getResourceAsStream("/gguf/quants.json")) {
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] bytes(JsonNode n) {
    return Base64.getDecoder().decode(n.asText());
  }

  static float[] floats(JsonNode n) {
    ByteBuffer b = ByteBuffer.wrap(bytes(n)).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[b.remaining() / 4];
    b.asFloatBuffer().get(out);
    return out;
  }

  @Test
  void encodingsAreByteForByteGgufPys() {
    JsonNode q = quants();
    float[] x = floats(q.get("f32"));
    assertArrayEquals(bytes(q.get("f32")), GgmlCodec.encode(GgmlType.F32, x));
    assertArrayEquals(bytes(q.get("f16")), GgmlCodec.encode(GgmlType.F16, x));
    assertArrayEquals(bytes(q.get("q8_0")), GgmlCodec.encode(GgmlType.Q8_0, x));
    assertArrayEquals(bytes(q.get("q4_0")), GgmlCodec.encode(GgmlType.Q4_0, x));
  }

  @Test
  void decodingsAreGgufPys() {
    JsonNode q = quants();
    int n = floats(q.get("f32")).length;
    assertArrayEquals(
        floats(q.get("q8_0_dequantized")),
        GgmlCodec.decode(GgmlType.Q8_0, ByteBuffer.wrap(bytes(q.get("q8_0"))), n));
    assertArrayEquals(
        floats(q.get("q4_0_dequantized")),
        GgmlCodec.decode(GgmlType.Q4_0, ByteBuffer.wrap(bytes(q.get("q4_0"))), n));
  }

  /**
   * Reference bound per Q8_0 block: with {@code d = amax/127} and its fp16 rounding {@code d'}, a
   * value decodes to {@code q·d'} with {@code q = round(x/d)}, so {@code |x - q·d'| <= d/2 + 127·|d
   * - d'|} (plus float32 rounding of x/d).
   */
  @Test
  void q8RoundTripStaysWithinTheBlockBound() {
    SplittableRandom rng = new SplittableRandom(3);
    float[] x = new float[32 * 200];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) ((rng.nextDouble() - 0.5) * Math.pow(10, rng.nextInt(6) - 3));
    }
    float[] y =
        GgmlCodec.decode(
            GgmlType.Q8_0, ByteBuffer.wrap(GgmlCodec.encode(GgmlType.Q8_0, x)), x.length);
    for (int b = 0; b < x.length; b += 32) {
      float amax = 0;
      for (int j = 0; j < 32; j++) {
        amax = Math.max(amax, Math.abs(x[b + j]));
      }
      double d = amax / 127.0;
      double dHalf = Floats.f16ToFloat(Floats.floatToF16((float) d));
      double bound = d / 2 + 127 * Math.abs(d - dHalf) + 1e-6 * amax;
      for (int j = 0; j < 32; j++) {
        double err = Math.abs(x[b + j] - y[b + j]);
        assertTrue(
            err <= bound,
            "block " + b / 32 + " value " + j + ": error " + err + " > bound " + bound);
      }
    }
  }

  @Test
  void roundfRoundsHalvesAwayFromZeroAsC() {
    assertEquals(3f, GgmlCodec.roundf(2.5f));
    assertEquals(-3f, GgmlCodec.roundf(-2.5f));
    assertEquals(-2f, GgmlCodec.roundf(-2.4999998f));
    assertEquals(0f, GgmlCodec.roundf(0.49999997f));
  }

  @Test
  void aPartialBlockIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> GgmlCodec.encode(GgmlType.Q8_0, new float[40]));
    assertTrue(e.getMessage().contains("multiple of 32"), e.getMessage());
  }
}
