package dev.tuneforge.llm.export.gguf;

import dev.tuneforge.llm.safetensors.Floats;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * float32 ↔ the bytes of a ggml tensor type, little-endian, following ggml's reference code ({@code
 * quantize_row_q8_0_ref}, {@code quantize_row_q4_0_ref}, {@code dequantize_row_*}) in float32
 * arithmetic so that a file matches what ggml itself would write: fp16 scales rounded to nearest
 * even, codes rounded as C's {@code roundf} (half away from zero) for Q8_0 and truncated after
 * {@code +8.5} for Q4_0. Blocks run along the row, which is the innermost (last PyTorch, first
 * ggml) dimension, so the values of one block are consecutive in {@code data}.
 */
public final class GgmlCodec {
  private GgmlCodec() {}

  /** Encodes {@code data}; for a quantized type its length must be a multiple of the block size. */
  public static byte[] encode(GgmlType type, float[] data) {
    return encode(type, data, 0, data.length);
  }

  /** Encodes {@code data[from, to)}; for a quantized type a whole number of blocks. */
  public static byte[] encode(GgmlType type, float[] data, int from, int to) {
    int n = to - from;
    if (n % type.blockSize() != 0) {
      throw new IllegalArgumentException(
          type + " needs a multiple of " + type.blockSize() + " values, got " + n);
    }
    ByteBuffer out =
        ByteBuffer.allocate(Math.toIntExact(type.bytes(n))).order(ByteOrder.LITTLE_ENDIAN);
    switch (type) {
      case F32 -> out.asFloatBuffer().put(data, from, n);
      case F16 -> {
        for (int i = from; i < to; i++) {
          out.putShort(Floats.floatToF16(data[i]));
        }
      }
      case Q8_0 -> {
        for (int b = from; b < to; b += 32) {
          quantizeQ8Block(data, b, out);
        }
      }
      case Q4_0 -> {
        for (int b = from; b < to; b += 32) {
          quantizeQ4Block(data, b, out);
        }
      }
    }
    return out.array();
  }

  /** Decodes {@code numel} values from {@code in} (little-endian, starting at its position). */
  public static float[] decode(GgmlType type, ByteBuffer in, int numel) {
    ByteBuffer b = in.slice().order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[numel];
    switch (type) {
      case F32 -> b.asFloatBuffer().get(out);
      case F16 -> {
        for (int i = 0; i < numel; i++) {
          out[i] = Floats.f16ToFloat(b.getShort(2 * i));
        }
      }
      case Q8_0 -> {
        for (int blk = 0; blk < numel / 32; blk++) {
          int at = blk * 34;
          float d = Floats.f16ToFloat(b.getShort(at));
          for (int j = 0; j < 32; j++) {
            out[blk * 32 + j] = b.get(at + 2 + j) * d;
          }
        }
      }
      case Q4_0 -> {
        for (int blk = 0; blk < numel / 32; blk++) {
          int at = blk * 18;
          float d = Floats.f16ToFloat(b.getShort(at));
          for (int j = 0; j < 16; j++) {
            int q = b.get(at + 2 + j) & 0xff;
            out[blk * 32 + j] = ((q & 0x0f) - 8) * d;
            out[blk * 32 + j + 16] = ((q >>> 4) - 8) * d;
          }
        }
      }
    }
    return out;
  }

  /** d = amax/127 (fp16), q = roundf(x / d). */
  private static void quantizeQ8Block(float[] x, int from, ByteBuffer out) {
    float amax = 0f;
    for (int j = 0; j < 32; j++) {
      amax = Math.max(amax, Math.abs(x[from + j]));
    }
    float d = amax / 127f;
    float id = d != 0f ? 1.0f / d : 0f;
    out.putShort(Floats.floatToF16(d));
    for (int j = 0; j < 32; j++) {
      out.put((byte) roundf(x[from + j] * id));
    }
  }

  /**
   * d = max/-8 where max is the value of largest magnitude (sign kept), q = min(15, (int8)(x/d +
   * 8.5)); byte j holds value j in its low nibble and value j+16 in its high nibble.
   */
  private static void quantizeQ4Block(float[] x, int from, ByteBuffer out) {
    float amax = 0f;
    float max = 0f;
    for (int j = 0; j < 32; j++) {
      float v = x[from + j];
      if (amax < Math.abs(v)) {
        amax = Math.abs(v);
        max = v;
      }
    }
    float d = max / -8f;
    float id = d != 0f ? 1.0f / d : 0f;
    out.putShort(Floats.floatToF16(d));
    for (int j = 0; j < 16; j++) {
      int q0 = Math.min(15, (byte) (int) (x[from + j] * id + 8.5f));
      int q1 = Math.min(15, (byte) (int) (x[from + 16 + j] * id + 8.5f));
      out.put((byte) (q0 | (q1 << 4)));
    }
  }

  /** C's roundf: halves away from zero (Math.round rounds -2.5 to -2). */
  static float roundf(float v) {
    float a = Math.abs(v);
    float r = (float) Math.floor(a);
    if (a - r >= 0.5f) {
      r += 1f;
    }
    return Math.copySign(r, v);
  }
}
