package dev.tuneforge.llm.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.SplittableRandom;

/**
 * Inverted-dropout masks for one LoRA layer, drawn in Java from {@code (seed, module name, call
 * number)}. Every mask is a pure function of those three, so a run is reproducible from its seed on
 * any thread count and a resumed run continues with the same masks once {@link #position} is
 * restored; libtorch's global generator offers neither.
 */
public final class LoraDropout {
  private final double p;
  private final long stream;
  private long calls;

  public LoraDropout(double p, long seed, String moduleName) {
    if (!(p > 0 && p < 1)) {
      throw new IllegalArgumentException("lora_dropout must be in (0, 1) for a mask, got " + p);
    }
    this.p = p;
    this.stream = LoraInit.mix(seed, moduleName) ^ 0x5DEECE66DL;
  }

  /**
   * A mask shaped like {@code x} on {@code x}'s manager: each entry {@code 0} with probability
   * {@code p}, else {@code 1/(1-p)} (so the expected value of {@code x·mask} is {@code x}).
   */
  public NDArray nextMask(NDArray x) {
    long n = x.getShape().size();
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("dropout input too large: " + x.getShape());
    }
    SplittableRandom rnd = new SplittableRandom(stream + 0x9E3779B97F4A7C15L * ++calls);
    float keep = (float) (1.0 / (1.0 - p));
    float[] mask = new float[(int) n];
    for (int i = 0; i < mask.length; i++) {
      mask[i] = rnd.nextDouble() < p ? 0f : keep;
    }
    NDArray m = x.getManager().create(mask, x.getShape());
    return x.getDataType() == DataType.FLOAT32 ? m : m.toType(x.getDataType(), false);
  }

  public double probability() {
    return p;
  }

  /** Masks drawn so far (save it in a checkpoint to resume the same sequence). */
  public long position() {
    return calls;
  }

  public void setPosition(long calls) {
    this.calls = calls;
  }
}
