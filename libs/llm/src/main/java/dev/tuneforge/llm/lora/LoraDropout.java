package dev.tuneforge.llm.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.SplittableRandom;

/**
 * Inverted-dropout masks for one LoRA layer, drawn in Java. A mask is a pure function of {@code
 * (seed, module name, optimizer step, micro-batch index, call within the micro-batch)}: the trainer
 * names the micro-batch ({@link #startMicroBatch}) before each forward, so a run resumed at step n
 * draws exactly the masks the uninterrupted run drew from step n on, with no generator state in the
 * checkpoint, and on any thread count. libtorch's global generator offers neither: its state is not
 * saved, and its draws depend on everything else that used it.
 */
public final class LoraDropout {
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private final double p;
  private final long stream;
  private long microBatchKey;
  private long calls;

  public LoraDropout(double p, long seed, String moduleName) {
    if (!(p > 0 && p < 1)) {
      throw new IllegalArgumentException("lora_dropout must be in (0, 1) for a mask, got " + p);
    }
    this.p = p;
    this.stream = LoraInit.mix(seed, moduleName) ^ 0x5DEECE66DL;
  }

  /**
   * Keys the following masks to one micro-batch ({@code step} = the optimizer step it belongs to,
   * {@code microBatch} = its index within the step) and restarts the call count.
   */
  public void startMicroBatch(long step, int microBatch) {
    this.microBatchKey = mix64(mix64(step * GOLDEN) + microBatch);
    this.calls = 0;
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
    // Every input word goes through a full mix: SplittableRandom(s) and SplittableRandom(s +
    // GOLDEN)
    // would yield the same sequence shifted by one draw, i.e. nearly identical masks.
    SplittableRandom rnd = new SplittableRandom(mix64(mix64(stream ^ microBatchKey) + ++calls));
    float keep = (float) (1.0 / (1.0 - p));
    float[] mask = new float[(int) n];
    for (int i = 0; i < mask.length; i++) {
      mask[i] = rnd.nextDouble() < p ? 0f : keep;
    }
    // create() wraps a Java buffer that only the returned handle keeps alive; backward reads the
    // mask after the layer's scope has closed that handle (CausalLM scopes each layer), so the
    // mask is copied into memory libtorch owns and the Java-backed array is closed at once
    try (NDArray wrapped = x.getManager().create(mask, x.getShape())) {
      return x.getDataType() == DataType.FLOAT32
          ? wrapped.duplicate()
          : wrapped.toType(x.getDataType(), true);
    }
  }

  public double probability() {
    return p;
  }

  /** Stafford's variant 13 of the MurmurHash3 finaliser (SplitMix64's output function). */
  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
