package dev.tuneforge.llm.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class Nf4TensorTest {

  /** bitsandbytes' float32 NF4 table, repeated here so an edit to Nf4 cannot go unnoticed. */
  private static final float[] PUBLISHED = {
    -1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f,
    -0.28444138169288635f, -0.18477343022823334f, -0.09105003625154495f, 0.0f,
    0.07958029955625534f, 0.16093020141124725f, 0.24611230194568634f, 0.33791524171829224f,
    0.44070982933044434f, 0.5626170039176941f, 0.7229568362236023f, 1.0f,
  };

  /**
   * Widest gap between adjacent levels is [-1, -0.6961928]: half of it bounds the rounding error.
   */
  private static final double HALF_MAX_GAP = (1.0 - 0.6961928009986877) / 2; // 0.1519036

  @Test
  void levelsAreTheSixteenPublishedValues() {
    assertArrayEquals(PUBLISHED, Nf4.levels());
    assertEquals(0f, Nf4.level(Nf4.ZERO_CODE));
  }

  @Test
  void everyLevelRoundTripsExactlyWhenScaledByTheAbsmax() {
    for (float absmax : new float[] {1f, 0.5f, 0.0371f, 3.3f, 1e-4f}) {
      float[] values = new float[Nf4.BLOCK_SIZE];
      for (int i = 0; i < values.length; i++) {
        values[i] = PUBLISHED[i % 16] * absmax; // contains ±absmax, so the block absmax is absmax
      }
      Nf4Tensor t = Nf4Tensor.quantize(values, new long[] {Nf4.BLOCK_SIZE}, false);
      assertArrayEquals(new float[] {absmax}, t.scales().absmax());
      float[] back = t.dequantize();
      for (int i = 0; i < values.length; i++) {
        assertEquals(i % 16, t.code(i), "code of level " + (i % 16) + " at absmax " + absmax);
        assertEquals(values[i], back[i], 0f, "level " + (i % 16) + " at absmax " + absmax);
      }
    }
  }

  @Test
  void evenElementGoesToTheHighNibbleLikeBitsandbytes() {
    // codes: -1 → 0, +1 → 15, 0 → 7
    Nf4Tensor t = Nf4Tensor.quantize(new float[] {-2f, 2f, 2f, -2f, 0f}, new long[] {5}, false);
    byte[] packed = t.packed();
    assertEquals(3, packed.length, "odd size rounds up to whole bytes");
    assertEquals((byte) 0x0F, packed[0]);
    assertEquals((byte) 0xF0, packed[1]);
    assertEquals((byte) 0x77, packed[2], "element 4 is 0 (code 7) and the pad nibble is code 7");
    assertArrayEquals(new float[] {-2f, 2f, 2f, -2f, 0f}, t.dequantize());
  }

  @Test
  void eachElementDecodesToItsNearestLevelWithinTheHandDerivedBound() {
    Random rnd = new Random(3);
    int n = 64 * 40 + 13; // a partial last block
    float[] w = new float[n];
    for (int i = 0; i < n; i++) {
      w[i] = (float) (rnd.nextGaussian() * 0.02 * (1 + (i / 64) % 5));
    }
    Nf4Tensor t = Nf4Tensor.quantize(w, new long[] {n}, false);
    float[] absmax = t.scales().absmax();
    float[] back = t.dequantize();
    for (int i = 0; i < n; i++) {
      float a = absmax[i / 64];
      int nearest = bruteForceNearest(w[i] / (double) a);
      assertEquals(Nf4.level(nearest) * a, back[i], 1e-7 * a, "element " + i);
      assertTrue(
          Math.abs(w[i] - back[i]) <= HALF_MAX_GAP * a + 1e-7 * a,
          "element " + i + " error " + Math.abs(w[i] - back[i]) + " > bound " + HALF_MAX_GAP * a);
    }
    int lastFrom = 64 * 40;
    float lastMax = 0;
    for (int i = lastFrom; i < n; i++) {
      lastMax = Math.max(lastMax, Math.abs(w[i]));
    }
    assertEquals(lastMax, absmax[40], 0f, "the partial last block has its own absmax");
  }

  @Test
  void anAllZeroBlockStaysZero() {
    float[] w = new float[128];
    w[100] = 0.5f;
    float[] back = Nf4Tensor.quantize(w, new long[] {2, 64}, true).dequantize();
    for (int i = 0; i < 64; i++) {
      assertEquals(0f, back[i], 0f);
    }
    assertEquals(0.5f, back[100], 1e-6f);
  }

  @Test
  void doubleQuantizationStaysWithinTheHandDerivedBound() {
    Random rnd = new Random(5);
    int blocks = 700; // three groups of 256, the last one partial
    int n = blocks * 64;
    float[] w = new float[n];
    for (int i = 0; i < n; i++) {
      // block scales spread over two decades, like rows of a real weight matrix
      double blockScale = Math.exp(((i / 64) % 37) / 8.0) * 1e-3;
      w[i] = (float) (rnd.nextGaussian() * blockScale);
    }
    Nf4Tensor plain = Nf4Tensor.quantize(w, new long[] {blocks, 64}, false);
    Nf4Tensor dq = Nf4Tensor.quantize(w, new long[] {blocks, 64}, true);
    float[] a = plain.scales().absmax();
    DoubleQuantizedScales scales = (DoubleQuantizedScales) dq.scales();
    float[] aHat = scales.absmax();
    float[] back = dq.dequantize();
    // widest gap of the dynamic map inside [-1, 1] is 0.9/64 (decade 10^0): half of it per unit of
    // absmax2
    double halfDynGap = 0.9 / 64 / 2;
    assertEquals(
        halfDynGap, maxHalfGap(DynamicMap8.values()), 1e-7, "bound derived from the map itself");
    for (int b = 0; b < blocks; b++) {
      double c2 = scales.absmax2()[b / 256];
      double absmaxBound = c2 * halfDynGap + 1e-7 * a[b];
      assertTrue(Math.abs(a[b] - aHat[b]) <= absmaxBound, "absmax of block " + b);
      for (int i = b * 64; i < (b + 1) * 64; i++) {
        // x̂ = level·â with level chosen from the exact absmax, |level| ≤ 1:
        // |x − x̂| ≤ |x − level·a| + |a − â| ≤ a·HALF_MAX_GAP + c2·halfDynGap
        double bound = a[b] * HALF_MAX_GAP + absmaxBound + 1e-7 * a[b];
        assertTrue(Math.abs(w[i] - back[i]) <= bound, "element " + i);
      }
    }
    assertArrayEquals(plain.packed(), dq.packed(), "double quantization changes only the scales");
  }

  @Test
  void residentSizeIsAboutHalfAByteperParameter() {
    long[] shape = {1024, 576};
    float[] w = new float[1024 * 576];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) Math.sin(i * 0.37);
    }
    Nf4Tensor dq = Nf4Tensor.quantize(w, shape, true);
    Nf4Tensor plain = Nf4Tensor.quantize(w, shape, false);
    long n = 1024L * 576;
    // codes n/2 + one byte per 64 + 4 bytes per 256 blocks + 4-byte offset
    assertEquals(n / 2 + n / 64 + 4 * ((n / 64 + 255) / 256) + 4, dq.residentBytes());
    assertEquals(n / 2 + 4 * (n / 64), plain.residentBytes());
    assertTrue(dq.bytesPerParameter() <= 0.6, "double-quantized " + dq.bytesPerParameter());
    assertEquals(0.5159, dq.bytesPerParameter(), 1e-3);
    assertEquals(0.5625, plain.bytesPerParameter(), 1e-9);
  }

  @Test
  void shapeMismatchIsAnErrorNamingTheShape() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Nf4Tensor.quantize(new float[10], new long[] {3, 4}, true));
    assertTrue(e.getMessage().contains("[3, 4]"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Nf4Tensor.quantize(new float[0], new long[] {0, 4}, true));
    assertTrue(e.getMessage().contains("[0, 4]"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Nf4Tensor.quantize(new float[1], new long[0], true));
    assertTrue(e.getMessage().contains("[]"), e.getMessage());
  }

  @Test
  void nonFiniteValueIsAnErrorNamingItsPlace() {
    float[] w = new float[130];
    w[129] = Float.NaN;
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Nf4Tensor.quantize(w, new long[] {10, 13}, false));
    assertTrue(
        e.getMessage().contains("129") && e.getMessage().contains("[10, 13]"), e.getMessage());
  }

  @Test
  void storedPartsThatDoNotFitTheShapeAreRejected() {
    BlockScales oneBlock = new BlockScales.Plain(new float[] {1f});
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Nf4Tensor(new long[] {7, 9}, new byte[31], oneBlock));
    assertTrue(e.getMessage().contains("[7, 9]") && e.getMessage().contains("32"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Nf4Tensor(new long[] {8, 16}, new byte[64], oneBlock));
    assertTrue(
        e.getMessage().contains("[8, 16]") && e.getMessage().contains("2 blocks"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new DoubleQuantizedScales(new byte[300], new float[1], 0f));
    assertTrue(e.getMessage().contains("2 group scales"), e.getMessage());
  }

  private static int bruteForceNearest(double scaled) {
    double x = Math.max(-1, Math.min(1, scaled));
    int best = 0;
    for (int k = 1; k < 16; k++) {
      if (Math.abs(x - PUBLISHED[k]) < Math.abs(x - PUBLISHED[best])) {
        best = k;
      }
    }
    return best;
  }

  private static double maxHalfGap(float[] sorted) {
    double max = 0;
    for (int i = 1; i < sorted.length; i++) {
      max = Math.max(max, (sorted[i] - (double) sorted[i - 1]) / 2);
    }
    return max;
  }
}
