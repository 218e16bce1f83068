package dev.tuneforge.llm.lora;

import java.util.SplittableRandom;

/**
 * Initial LoRA weights as PEFT draws them: A from {@code nn.init.kaiming_uniform_(a=√5)}, i.e.
 * uniform in {@code ±gain·√(3/fan_in)} with {@code gain = √(2/(1+a²)) = √(1/3)}, which is {@code
 * ±1/√in}; B zero, so training starts from the base model. Draws come from {@code (seed, module
 * name)} so every layer's A is reproducible on its own.
 */
public final class LoraInit {
  private LoraInit() {}

  /** A {@code [r, in]} row-major. */
  public static float[] kaimingUniformA(long seed, String moduleName, int r, int in) {
    double bound = 1.0 / Math.sqrt(in);
    SplittableRandom rnd = new SplittableRandom(mix(seed, moduleName));
    float[] a = new float[r * in];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
    }
    return a;
  }

  /** B {@code [out, r]}: zeros. */
  public static float[] zeroB(int out, int r) {
    return new float[out * r];
  }

  /**
   * A 64-bit stream id from the run seed and a module name (String.hashCode is specified, stable).
   */
  static long mix(long seed, String moduleName) {
    long h = seed * 0x9E3779B97F4A7C15L + moduleName.hashCode();
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    return h;
  }
}
