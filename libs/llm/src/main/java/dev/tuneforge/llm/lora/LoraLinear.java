package dev.tuneforge.llm.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tuneforge.llm.model.Linear;
import dev.tuneforge.llm.model.LinearLayer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A frozen linear layer plus a trainable low-rank update (LoRA, Hu et al. 2021):
 *
 * <pre>
 *            x [..., in]
 *            │
 *     ┌──────┴──────────────┐
 *     │                     │ dropout (training only)
 *     ▼                     ▼
 *  ┌───────┐           ┌─────────┐
 *  │   W   │ frozen    │    A    │ [r, in]   Kaiming-uniform
 *  │[out,in]│          └────┬────┘
 *  └───┬───┘                ▼  · scale (alpha/r, or alpha/√r with rsLoRA)
 *      │               ┌─────────┐
 *      │               │    B    │ [out, r]  zeros
 *      │               └────┬────┘
 *      └────────(+)─────────┘
 *                ▼
 *            y [..., out]
 * </pre>
 *
 * {@code y = x Wᵀ + b + scale · dropout(x) Aᵀ Bᵀ}. B starts at zero, so a fresh layer computes
 * exactly the base layer; only A and B (named {@code <module>.lora_A.weight} and {@code
 * <module>.lora_B.weight}, PEFT's names without the adapter prefix) are trained. The frozen base is
 * any {@link LinearLayer}: a float {@link Linear} for LoRA, an NF4 layer ({@code quant.Nf4Linear})
 * for QLoRA, whose {@code W} is dequantised on the fly. The scale is a 0-d array owned by the
 * layer, not a Java number, so autograd never sees a freed scalar (NOTES.md).
 */
public final class LoraLinear implements LinearLayer {
  private final LinearLayer base; // the frozen projection [out, in] (+ bias): float or NF4
  private final NDArray loraA; // [r, in]
  private final NDArray loraB; // [out, r]
  private final double scale;
  private final NDArray scaleArray; // (), dtype of the factors
  private final LoraDropout dropout; // null when the probability is 0
  private boolean training;

  /** LoRA over a float base weight {@code [out, in]} and bias {@code [out]} (or null). */
  public LoraLinear(
      String name,
      NDArray weight,
      NDArray bias,
      NDArray loraA,
      NDArray loraB,
      double scale,
      LoraDropout dropout) {
    this(checkedBase(name, weight, bias), loraA, loraB, scale, dropout);
  }

  /**
   * LoRA over any frozen base layer; A {@code [r, in]} and B {@code [out, r]} float32 (float64 in
   * gradient checks) on the manager that owns the parameters.
   */
  public LoraLinear(
      LinearLayer base, NDArray loraA, NDArray loraB, double scale, LoraDropout dropout) {
    Shape a = loraA.getShape();
    Shape b = loraB.getShape();
    long out = base.outFeatures();
    long in = base.inFeatures();
    if (a.dimension() != 2
        || b.dimension() != 2
        || a.get(1) != in
        || b.get(0) != out
        || b.get(1) != a.get(0)) {
      throw new IllegalArgumentException(
          base.name()
              + ": LoRA shapes do not fit: weight ["
              + out
              + ", "
              + in
              + "], lora_A "
              + a
              + " (expected [r, "
              + in
              + "]), lora_B "
              + b
              + " (expected ["
              + out
              + ", r])");
    }
    DataType dtype = loraA.getDataType();
    if ((dtype != DataType.FLOAT32 && dtype != DataType.FLOAT64) || loraB.getDataType() != dtype) {
      throw new IllegalArgumentException(
          base.name()
              + ": LoRA needs float32 or float64 factors, got lora_A "
              + dtype
              + ", lora_B "
              + loraB.getDataType());
    }
    this.base = base;
    this.loraA = loraA;
    this.loraB = loraB;
    this.scale = scale;
    // Created directly in the factors' dtype: a converted temporary would stay on the model's
    // manager.
    this.scaleArray =
        dtype == DataType.FLOAT64
            ? loraA.getManager().create(scale)
            : loraA.getManager().create((float) scale);
    this.dropout = dropout;
  }

  private static Linear checkedBase(String name, NDArray weight, NDArray bias) {
    if (weight.getShape().dimension() != 2) {
      throw new IllegalArgumentException(
          name + ": LoRA needs a weight [out, in], got " + weight.getShape());
    }
    if (weight.getDataType() != DataType.FLOAT32 && weight.getDataType() != DataType.FLOAT64) {
      throw new IllegalArgumentException(
          name + ": LoRA needs a float32 or float64 weight, got " + weight.getDataType());
    }
    return new Linear(name, weight, bias);
  }

  @Override
  public NDArray forward(NDArray x) {
    NDArray frozen = base.forward(x); // x [..., in] · Wᵀ (+ b) → [..., out]
    NDArray in = training && dropout != null ? x.mul(dropout.nextMask(x)) : x; // [..., in]
    // Scale the rank-r intermediate rather than the [..., out] result: r ≪ out, same value.
    NDArray down =
        ai.djl.nn.core.Linear.linear(in, loraA).singletonOrThrow().mul(scaleArray); // [..., r]
    return frozen.add(ai.djl.nn.core.Linear.linear(down, loraB).singletonOrThrow()); // [..., out]
  }

  @Override
  public String name() {
    return base.name();
  }

  /** The frozen base layer (a float {@link Linear} or an NF4 layer). */
  public LinearLayer base() {
    return base;
  }

  /**
   * Frozen float base weight {@code [out, in]}; a quantised base has none (see {@link #base()}).
   */
  public NDArray weight() {
    return floatBase().weight();
  }

  /** Frozen float base bias {@code [out]}, or null; a quantised base: see {@link #base()}. */
  public NDArray bias() {
    return floatBase().bias();
  }

  private Linear floatBase() {
    if (base instanceof Linear l) {
      return l;
    }
    throw new IllegalStateException(
        base.name()
            + ": the base is a "
            + base.getClass().getSimpleName()
            + ", not a float Linear; it holds no float weight");
  }

  @Override
  public long inFeatures() {
    return base.inFeatures();
  }

  @Override
  public long outFeatures() {
    return base.outFeatures();
  }

  /** {@code [r, in]}. */
  public NDArray loraA() {
    return loraA;
  }

  /** {@code [out, r]}. */
  public NDArray loraB() {
    return loraB;
  }

  public int rank() {
    return (int) loraA.getShape().get(0);
  }

  public double scale() {
    return scale;
  }

  /** The dropout mask generator (its position belongs in a checkpoint), or null without dropout. */
  public LoraDropout dropout() {
    return dropout;
  }

  public boolean isTraining() {
    return training;
  }

  /** Dropout applies only in training mode; inference (the default) is deterministic. */
  public void setTraining(boolean training) {
    this.training = training;
  }

  @Override
  public Map<String, NDArray> parameters() {
    Map<String, NDArray> m = new LinkedHashMap<>(base.parameters());
    m.put(base.name() + ".lora_A.weight", loraA);
    m.put(base.name() + ".lora_B.weight", loraB);
    return m;
  }
}
