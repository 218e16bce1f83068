package dev.tuneforge.llm.safetensors;

/**
 * Bit conversions between float32 and the 16-bit formats, done in Java because this DJL/libtorch
 * build aborts the JVM when a BF16 array is created (NOTES.md).
 */
public final class Floats {
  private Floats() {}

  /** bfloat16 is the top half of a float32: widening is a shift. */
  public static float bf16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xffff) << 16);
  }

  /** float32 → bfloat16, round to nearest, ties to even; NaN stays a (quiet) NaN. */
  public static short floatToBf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) {
      return (short) ((bits >>> 16) | 0x0040);
    }
    int lsb = (bits >>> 16) & 1;
    int rounded = bits + 0x7fff + lsb;
    return (short) (rounded >>> 16);
  }

  /** IEEE half → float32 (exact: every half is representable). */
  public static float f16ToFloat(short bits) {
    int h = bits & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    if (exp == 0) { // zero or subnormal: mant * 2^-24
      float v = mant * 0x1p-24f;
      return sign != 0 ? -v : v;
    }
    if (exp == 31) { // inf / NaN
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
  }

  /** float32 → IEEE half, round to nearest, ties to even; overflow gives infinity. */
  public static short floatToF16(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = (bits >>> 23) & 0xff;
    int mant = bits & 0x7fffff;
    if (exp == 0xff) {
      return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
    }
    int e = exp - 127 + 15;
    if (e >= 31) {
      return (short) (sign | 0x7c00);
    }
    if (e <= 0) { // half subnormal: value / 2^-24 = mant24 >> (14 - e)
      if (e < -10) {
        return (short) sign;
      }
      int m = mant | 0x800000;
      int shift = 14 - e;
      int half = m >>> shift;
      int rem = m & ((1 << shift) - 1);
      int halfway = 1 << (shift - 1);
      if (rem > halfway || (rem == halfway && (half & 1) == 1)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (e << 10) | (mant >>> 13);
    int rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem == 0x1000 && (half & 1) == 1)) {
      half++; // a carry into the exponent is the correct rounding (up to infinity)
    }
    return (short) (sign | half);
  }
}
