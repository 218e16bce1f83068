package dev.tuneforge.llm.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tuneforge.llm.model.LinearLayer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A frozen linear layer {@code y = x Wᵀ (+ b)} whose weight {@code W [out, in]} is resident only as
 * NF4 with double-quantized absmax (blocks of 64, 8-bit absmax in groups of 256: ≈0.516 bytes per
 * parameter instead of 4), as QLoRA keeps its base model. The float weight is quantized when the
 * model is built and then closed; each forward dequantizes {@code W} on the fly into the manager of
 * its input (the step's), so it is freed when the step closes. The bias stays float.
 *
 * <p>Peak memory: under autograd, {@code linear(x, W)} keeps its operand {@code W} (float32, {@code
 * 4·out·in} bytes) until backward, because the gradient w.r.t. {@code x} is {@code dy · W}. DJL has
 * no custom autograd functions, so the layer cannot drop {@code W} and dequantize it again in
 * backward as bitsandbytes does. With a plain training forward every NF4 layer's dequantized weight
 * is therefore alive at once, and the step's peak holds the whole base in float32 on top of the NF4
 * copy. With {@code gradient_checkpointing} ({@code model.CheckpointedForward}) the decoder layers
 * run unrecorded in per-layer scopes and are recomputed one at a time in backward, so only one
 * decoder layer's {@code W}s are alive at once (for one extra forward per layer): then QLoRA lowers
 * the peak as well as resident memory. Between steps only the NF4 form is resident. Without
 * autograd (inference, evaluation) the model runs layer by layer in scopes, so only one layer's
 * {@code W} is alive (measured in {@code QloraMemoryBenchmark}).
 *
 * <p>Compute is float32. A float64 input (gradient checks) gets the dequantized weight widened to
 * float64, which is exact, so the layer computes the same function in either precision.
 */
public final class Nf4Linear implements LinearLayer {

  private final String name;
  private final Nf4DeviceTensor weight; // [out, in] as NF4 codes + double-quantized absmax
  private final NDArray bias; // [out] float, or null
  private final long out;
  private final long in;

  private Nf4Linear(String name, Nf4DeviceTensor weight, NDArray bias) {
    this.name = name;
    this.weight = weight;
    this.bias = bias;
    this.out = weight.shape().get(0);
    this.in = weight.shape().get(1);
  }

  /**
   * Quantizes {@code weight} {@code [out, in]} (float32, or float64 holding float32 values) to NF4
   * on its manager and closes it, so only the NF4 form stays resident.
   *
   * @param bias {@code [out]} kept as is, or null
   * @param codebook the device's shared NF4 tables
   */
  public static Nf4Linear quantize(
      String name, NDArray weight, NDArray bias, Nf4Codebook codebook) {
    Shape shape = weight.getShape();
    if (shape.dimension() != 2) {
      throw new IllegalArgumentException(
          name + ".weight: NF4 linear needs [out, in], got " + shape);
    }
    float[] values;
    if (weight.getDataType() == DataType.FLOAT32) {
      values = weight.toFloatArray();
    } else if (weight.getDataType() == DataType.FLOAT64) {
      try (NDArray f = weight.toType(DataType.FLOAT32, false)) {
        values = f.toFloatArray();
      }
    } else {
      throw new IllegalArgumentException(
          name + ".weight: NF4 quantization needs float32 or float64, got " + weight.getDataType());
    }
    Nf4DeviceTensor nf4;
    try {
      nf4 =
          Nf4Tensor.quantize(values, shape.getShape(), true)
              .toDevice(weight.getManager(), codebook);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ".weight: " + e.getMessage(), e);
    }
    weight.close(); // the float copy is gone: the base is resident as NF4 only
    return new Nf4Linear(name, nf4, bias);
  }

  @Override
  public NDArray forward(NDArray x) {
    // W [out, in] float32 on x's manager (the step's): freed with the step, kept by autograd until
    // backward
    NDArray w = weight.dequantize(x.getManager());
    if (x.getDataType() == DataType.FLOAT64) {
      w = w.toType(DataType.FLOAT64, false); // exact widening, for float64 gradient checks
    }
    // x [..., in] · Wᵀ [in, out] (+ b) → [..., out]
    return bias == null
        ? ai.djl.nn.core.Linear.linear(x, w).singletonOrThrow()
        : ai.djl.nn.core.Linear.linear(x, w, bias).singletonOrThrow();
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * The bias if any: the NF4 weight is not a float tensor and is reached through {@link
   * #quantized()}.
   */
  @Override
  public Map<String, NDArray> parameters() {
    Map<String, NDArray> m = new LinkedHashMap<>();
    if (bias != null) {
      m.put(name + ".bias", bias);
    }
    return m;
  }

  @Override
  public long inFeatures() {
    return in;
  }

  @Override
  public long outFeatures() {
    return out;
  }

  /** The resident NF4 weight {@code [out, in]}. */
  public Nf4DeviceTensor quantized() {
    return weight;
  }

  /** The float bias {@code [out]}, or null. */
  public NDArray bias() {
    return bias;
  }
}
