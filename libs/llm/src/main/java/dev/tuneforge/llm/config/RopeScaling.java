package dev.tuneforge.llm.config;

/**
 * RoPE frequency scaling. Only Llama 3's scheme exists besides "none": it divides low frequencies
 * by {@code factor}, keeps high frequencies, and interpolates between the two bands.
 *
 * @param type "llama3" (the only supported non-default type)
 * @param factor scale applied to low frequencies
 * @param lowFreqFactor defines the low-frequency wavelength bound (original context / this)
 * @param highFreqFactor defines the high-frequency wavelength bound (original context / this)
 * @param originalMaxPositionEmbeddings context length the model was pre-trained with
 */
public record RopeScaling(
    String type,
    double factor,
    double lowFreqFactor,
    double highFreqFactor,
    int originalMaxPositionEmbeddings) {

  /**
   * Inverse frequencies for a head of {@code headDim} dimensions: {@code 1 / theta^(2i/d)}, then
   * the scaling rule if any. Mirrors HF transformers' {@code _compute_default_rope_parameters} and
   * {@code _compute_llama3_parameters} (computed in double, rounded to float once).
   */
  public static float[] inverseFrequencies(int headDim, double theta, RopeScaling scaling) {
    int half = headDim / 2;
    float[] out = new float[half];
    for (int i = 0; i < half; i++) {
      // HF computes base ** (arange(0, dim, 2).float() / dim) in float32; the exponent is exact.
      double invFreq = 1.0 / Math.pow(theta, (2.0 * i) / headDim);
      out[i] = (float) (scaling == null ? invFreq : scaling.scale(invFreq));
    }
    return out;
  }

  private double scale(double invFreq) {
    double lowFreqWavelen = originalMaxPositionEmbeddings / lowFreqFactor;
    double highFreqWavelen = originalMaxPositionEmbeddings / highFreqFactor;
    double wavelen = 2 * Math.PI / invFreq;
    if (wavelen < highFreqWavelen) {
      return invFreq; // high frequency: unchanged
    }
    if (wavelen > lowFreqWavelen) {
      return invFreq / factor; // low frequency: fully scaled
    }
    double smooth =
        (originalMaxPositionEmbeddings / wavelen - lowFreqFactor)
            / (highFreqFactor - lowFreqFactor);
    return (1 - smooth) * invFreq / factor + smooth * invFreq;
  }
}
