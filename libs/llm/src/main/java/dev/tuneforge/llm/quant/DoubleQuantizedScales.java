package dev.tuneforge.llm.quant;

/**
 * QLoRA's double quantization of the NF4 absmax constants, as bitsandbytes does it with {@code
 * compress_statistics=True}: subtract the mean of all absmax values (they are all positive, so
 * centring doubles the resolution), then quantize blocks of 256 centred values with the dynamic
 * 8-bit map ({@link DynamicMap8}), keeping one float32 absmax per block of 256.
 *
 * <p>Storage per NF4 block of 64 parameters: 1 byte + 4/256 bytes, i.e. ≈0.0158 bytes per parameter
 * instead of 0.0625. Reconstruction: {@code absmax[i] = map[code[i]] · absmax2[i / 256] + offset}.
 * Error bound (hand-derived, checked by the tests): the dynamic map's widest gap inside [-1, 1] is
 * 0.9/64 = 0.0140625 (decade 10^0), so |absmax − reconstructed| ≤ absmax2 · 0.00703125 plus float
 * rounding.
 *
 * @param codes one 8-bit code per NF4 block (as unsigned bytes)
 * @param absmax2 float32 absmax of each group of 256 centred values; the last group may be partial
 * @param offset the mean that was subtracted
 */
public record DoubleQuantizedScales(byte[] codes, float[] absmax2, float offset)
    implements BlockScales {

  /** Centred absmax values sharing one float32 scale. */
  public static final int GROUP_SIZE = 256;

  public DoubleQuantizedScales {
    codes = codes.clone();
    absmax2 = absmax2.clone();
    int groups = (codes.length + GROUP_SIZE - 1) / GROUP_SIZE;
    if (absmax2.length != groups) {
      throw new IllegalArgumentException(
          "double quantization of "
              + codes.length
              + " block constants needs "
              + groups
              + " group scales, got "
              + absmax2.length);
    }
  }

  /** Double-quantizes float32 absmax values. */
  public static DoubleQuantizedScales quantize(float[] absmax) {
    if (absmax.length == 0) {
      throw new IllegalArgumentException("no absmax values to quantize");
    }
    // bitsandbytes: offset = absmax.mean(). Summed in double and rounded once: torch's float32
    // sum can differ in the last bit (it depends on libtorch's vector width), which only
    // shifts the centring by one ulp; the offset is stored, so decoding is unaffected.
    double sum = 0;
    for (float a : absmax) {
      sum += a;
    }
    return quantize(absmax, (float) (sum / absmax.length));
  }

  /** Double-quantizes around a given offset (tests pin bitsandbytes' own mean with it). */
  static DoubleQuantizedScales quantize(float[] absmax, float offset) {
    int groups = (absmax.length + GROUP_SIZE - 1) / GROUP_SIZE;
    byte[] codes = new byte[absmax.length];
    float[] absmax2 = new float[groups];
    for (int g = 0; g < groups; g++) {
      int from = g * GROUP_SIZE;
      int to = Math.min(absmax.length, from + GROUP_SIZE);
      float max = 0f;
      for (int i = from; i < to; i++) {
        max = Math.max(max, Math.abs(absmax[i] - offset));
      }
      absmax2[g] = max;
      // bitsandbytes multiplies by the reciprocal (x * (1/absmax)); same float result here
      float inv = max == 0f ? 0f : 1f / max;
      for (int i = from; i < to; i++) {
        codes[i] = (byte) DynamicMap8.nearestCode((absmax[i] - offset) * inv);
      }
    }
    return new DoubleQuantizedScales(codes, absmax2, offset);
  }

  @Override
  public int blocks() {
    return codes.length;
  }

  @Override
  public float[] absmax() {
    float[] out = new float[codes.length];
    for (int i = 0; i < codes.length; i++) {
      out[i] = DynamicMap8.value(codes[i] & 0xFF) * absmax2[i / GROUP_SIZE] + offset;
    }
    return out;
  }

  @Override
  public long bytes() {
    return codes.length + 4L * absmax2.length + 4;
  }

  /** The codes without a copy, for uploading (callers must not modify it). */
  byte[] codesView() {
    return codes;
  }

  @Override
  public byte[] codes() {
    return codes.clone();
  }

  @Override
  public float[] absmax2() {
    return absmax2.clone();
  }
}
