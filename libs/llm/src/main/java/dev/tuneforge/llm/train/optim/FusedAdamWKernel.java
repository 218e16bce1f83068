package dev.tuneforge.llm.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * AdamW's update in one pass over each tensor's memory, in Java, on the tensors' own storage. The
 * op-by-op form ({@link AdamW#updateWithOps}) makes ~14 passes over every parameter-sized array
 * (each libtorch op reads and writes whole tensors, with temporaries); this reads p, g, m, v once
 * and writes p, m, v once, split over the cores in chunks.
 *
 * <p>It performs the float32 operations of the op-by-op form, in the same order, each rounded to
 * float32 as libtorch rounds each op (Java float arithmetic is IEEE single precision, never
 * contracted into fused multiply-adds), so the moments are bit-identical. The one exception is the
 * square root: {@code (float) Math.sqrt(x)} is correctly rounded, libtorch's vectorised float sqrt
 * on this CPU is one ulp off for ~0.7% of inputs (measured), so the denominator can differ by one
 * ulp and the parameter by a few ulps (FusedAdamWTest bounds it; AdamWTest checks both paths'
 * agreement with torch.optim.AdamW and with a float64 reference).
 *
 * <p>Only for CPU float32 tensors whose storage a direct buffer can alias (contiguous); callers
 * check {@link #aliasable} and use the op path otherwise.
 */
final class FusedAdamWKernel {
  /** Elements per task: large enough to amortise scheduling, small enough to balance two cores. */
  private static final int CHUNK = 1 << 18;

  private FusedAdamWKernel() {}

  /** The per-step scalars, each already rounded to float32 as the op path rounds them. */
  record Scalars(
      boolean decay,
      float decayFactor,
      float beta1,
      float oneMinusBeta1,
      float beta2,
      float oneMinusBeta2,
      float bc2Sqrt,
      float eps,
      float stepSize) {}

  /**
   * A float view of the tensor's own memory, or null when the tensor is not a CPU float32 array
   * whose storage a buffer aliases (DJL copies non-contiguous tensors; two reads then differ).
   */
  static FloatBuffer aliasable(NDArray a) {
    if (!(a instanceof PtNDArray pt)
        || a.getDataType() != DataType.FLOAT32
        || !ai.djl.Device.cpu().equals(a.getDevice())
        || a.size() == 0) {
      return null;
    }
    FloatBuffer first =
        JniUtils.getByteBuffer(pt, true).order(ByteOrder.nativeOrder()).asFloatBuffer();
    FloatBuffer second =
        JniUtils.getByteBuffer(pt, true).order(ByteOrder.nativeOrder()).asFloatBuffer();
    if (!first.isDirect() || first.capacity() != a.size()) {
      return null;
    }
    // contiguous: both views alias the tensor, a write through one shows in the other
    float saved = first.get(0);
    int bits = Float.floatToRawIntBits(saved);
    first.put(0, Float.intBitsToFloat(bits ^ 1));
    boolean alias = Float.floatToRawIntBits(second.get(0)) == (bits ^ 1);
    first.put(0, saved);
    return alias ? first : null;
  }

  /** A readable float view of the gradient (a copy is fine: it is only read). */
  static FloatBuffer readable(NDArray g) {
    return JniUtils.getByteBuffer((PtNDArray) g, true)
        .order(ByteOrder.nativeOrder())
        .asFloatBuffer();
  }

  /**
   * Updates {@code p, m, v} in place from {@code g}, all of {@code n} elements, on the common pool.
   */
  static void update(FloatBuffer p, FloatBuffer g, FloatBuffer m, FloatBuffer v, int n, Scalars s) {
    int chunks = (n + CHUNK - 1) / CHUNK;
    if (chunks == 1) {
      range(p, g, m, v, 0, n, s);
      return;
    }
    java.util.stream.IntStream.range(0, chunks)
        .parallel()
        .forEach(c -> range(p, g, m, v, c * CHUNK, Math.min(n, (c + 1) * CHUNK), s));
  }

  private static void range(
      FloatBuffer p, FloatBuffer g, FloatBuffer m, FloatBuffer v, int from, int to, Scalars s) {
    for (int i = from; i < to; i++) {
      float pi = p.get(i);
      if (s.decay()) {
        pi = pi * s.decayFactor(); // p.muli(decayFactor)
      }
      float gi = g.get(i);
      float mi = m.get(i) * s.beta1() + gi * s.oneMinusBeta1(); // m.muli(b1).addi(g.mul(1 - b1))
      float vi =
          v.get(i) * s.beta2()
              + (gi * gi) * s.oneMinusBeta2(); // v.muli(b2).addi(g.mul(g).muli(1 - b2))
      float denom = (float) Math.sqrt(vi) / s.bc2Sqrt() + s.eps(); // v.sqrt().divi(bc2).addi(eps)
      m.put(i, mi);
      v.put(i, vi);
      p.put(i, pi - (mi / denom) * s.stepSize()); // p.subi(m.div(denom).muli(stepSize))
    }
  }
}
