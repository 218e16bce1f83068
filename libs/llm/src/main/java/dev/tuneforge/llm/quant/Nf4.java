package dev.tuneforge.llm.quant;

/**
 * The NF4 ("4-bit NormalFloat") code of QLoRA (Dettmers et al., 2023) exactly as bitsandbytes
 * publishes it, plus the two primitive operations on it: pick the code of a scaled value and pack
 * two codes per byte.
 *
 * <p>Why these sixteen numbers: they are the quantiles of N(0,1) rescaled to [-1, 1], with an exact
 * zero, so a block of normally distributed weights divided by its absmax uses every level about
 * equally often. The values are bitsandbytes' float32 table ({@code get_4bit_type("nf4")}), copied
 * digit for digit, not recomputed: recomputing the quantiles gives slightly different floats and
 * packed weights would no longer mean the same thing in PEFT/bitsandbytes.
 */
public final class Nf4 {

  /** The 16 NF4 levels, index = 4-bit code. */
  private static final float[] LEVELS = {
    -1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f,
    -0.28444138169288635f, -0.18477343022823334f, -0.09105003625154495f, 0.0f,
    0.07958029955625534f, 0.16093020141124725f, 0.24611230194568634f, 0.33791524171829224f,
    0.44070982933044434f, 0.5626170039176941f, 0.7229568362236023f, 1.0f,
  };

  /** Elements sharing one absmax, as in QLoRA and bitsandbytes' default for NF4. */
  public static final int BLOCK_SIZE = 64;

  /** The code whose level is exactly 0 (used for all-zero blocks and padding). */
  public static final int ZERO_CODE = 7;

  private Nf4() {}

  /** Level of a 4-bit code. */
  public static float level(int code) {
    return LEVELS[code];
  }

  /** A copy of the 16 levels. */
  public static float[] levels() {
    return LEVELS.clone();
  }

  /**
   * Code of the level nearest to {@code scaled} (a value already divided by its block's absmax).
   * Same rule as bitsandbytes' reference backend: clamp to [-1, 1], then argmin of the float32
   * distance, ties to the lower code. A linear scan over 16 levels keeps it bit-identical to
   * argmin; a midpoint search can disagree on values that round onto a midpoint.
   */
  public static int nearestCode(float scaled) {
    float x = Math.max(-1f, Math.min(1f, scaled));
    int best = 0;
    float bestDist = Math.abs(x - LEVELS[0]);
    for (int k = 1; k < 16; k++) {
      float d = Math.abs(x - LEVELS[k]);
      if (d < bestDist) {
        bestDist = d;
        best = k;
      }
    }
    return best;
  }

  /**
   * Packs two codes into a byte the way bitsandbytes does ({@code q[::2] << 4 | q[1::2]}): the
   * element with the even index goes into the HIGH nibble.
   */
  public static byte pack(int evenCode, int oddCode) {
    return (byte) ((evenCode << 4) | oddCode);
  }

  /** Code of the element with the even index in a packed byte. */
  public static int highCode(byte packed) {
    return (packed >> 4) & 0xF;
  }

  /** Code of the element with the odd index in a packed byte. */
  public static int lowCode(byte packed) {
    return packed & 0xF;
  }

  /**
   * The 256 × 2 byte-pair table: row {@code b} holds the two levels byte {@code b} decodes to,
   * (even, odd). Dequantising by one gather from this table replaces unpacking nibbles with shifts
   * and masks (and was faster in the NOTES probe). Row-major, 512 floats.
   */
  public static float[] bytePairTable() {
    float[] table = new float[512];
    for (int b = 0; b < 256; b++) {
      table[2 * b] = LEVELS[(b >> 4) & 0xF];
      table[2 * b + 1] = LEVELS[b & 0xF];
    }
    return table;
  }
}
