package dev.tuneforge.llm.quant;

import java.util.Arrays;

/**
 * bitsandbytes' signed "dynamic" 8-bit map ({@code create_dynamic_map(signed=True,
 * max_exponent_bits=7, total_bits=8)}), used to quantize the NF4 absmax constants a second time
 * (QLoRA's double quantization), and nearest-value quantization onto it.
 *
 * <p>Why this map and not a plain linear int8: the centred absmax values (absmax − mean) are small
 * and clustered around 0 with a few large ones; the dynamic map spends its 256 codes on seven
 * decades (1e-6 … 1) so both kinds keep their relative precision, and using the same map as
 * bitsandbytes keeps our quantized constants interchangeable with its {@code state2}.
 *
 * <p>Construction, restated from bitsandbytes: for decade i = 0…6, {@code 2^i + 1} boundaries
 * {@code linspace(0.1, 1)} in float32; the 2^i midpoints times 10^(i−6) and their negatives; then 0
 * and 1.0; sorted. 127 + 127 + 2 = 256 values. {@link #linspace} mirrors torch's float32 linspace
 * (first half counted up from start, second half down from end) so the table is bit-identical,
 * which the tests check against a table produced by the published Python code.
 */
public final class DynamicMap8 {

  private static final float[] MAP = build();

  private DynamicMap8() {}

  /** A copy of the 256 sorted values. */
  public static float[] values() {
    return MAP.clone();
  }

  /** The value of an 8-bit code. */
  public static float value(int code) {
    return MAP[code];
  }

  /**
   * Code of the map value nearest to {@code scaled}, clamped to [-1, 1], ties to the lower code
   * (torch.argmin semantics, as in bitsandbytes' reference {@code quantize_blockwise}).
   */
  public static int nearestCode(float scaled) {
    float x = Math.max(-1f, Math.min(1f, scaled));
    int i = Arrays.binarySearch(MAP, x);
    if (i >= 0) {
      return i;
    }
    int hi = -i - 1; // first index with MAP[hi] > x
    int lo = hi - 1;
    if (hi >= MAP.length) {
      return MAP.length - 1;
    }
    if (lo < 0) {
      return 0;
    }
    float dLo = Math.abs(x - MAP[lo]);
    float dHi = Math.abs(x - MAP[hi]);
    int best = dHi < dLo ? hi : lo;
    float bestDist = Math.min(dLo, dHi);
    // float rounding can make several consecutive distances equal; argmin takes the first
    while (best > 0 && Math.abs(x - MAP[best - 1]) == bestDist) {
      best--;
    }
    return best;
  }

  private static float[] build() {
    float[] data = new float[256];
    int n = 0;
    for (int i = 0; i < 7; i++) {
      float[] bounds = linspace(0.1f, 1f, (1 << i) + 1);
      // torch multiplies a float32 tensor by a Python number in float32 arithmetic
      float scale = (float) Math.pow(10, -6 + i);
      for (int k = 0; k + 1 < bounds.length; k++) {
        float mean = (bounds[k] + bounds[k + 1]) / 2.0f;
        data[n++] = scale * mean;
        data[n++] = -scale * mean;
      }
    }
    data[n++] = 0f;
    data[n++] = 1f;
    if (n != 256) {
      throw new IllegalStateException("dynamic map has " + n + " values, expected 256");
    }
    Arrays.sort(data);
    return data;
  }

  /**
   * torch.linspace in float32 on CPU: step = (end−start)/(steps−1); the first half counted up from
   * start, the second half down from end, each as one fused multiply-add (libtorch's kernel is
   * compiled with FMA contraction; without it 12 of the 65 top-decade values differ in the last
   * bit).
   */
  static float[] linspace(float start, float end, int steps) {
    float[] out = new float[steps];
    if (steps == 1) {
      out[0] = start;
      return out;
    }
    float step = (end - start) / (steps - 1);
    int half = steps / 2;
    for (int i = 0; i < steps; i++) {
      out[i] =
          i < half
              ? Math.fma(step, (float) i, start)
              : Math.fma(-step, (float) (steps - i - 1), end);
    }
    return out;
  }
}
