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
 * exactly the base layer; only A and B (named {@code <module>.lora_A.weight} and
 * {@code <module>.lora_B.weight}, PEFT's names without the adapter prefix) are trained. The scale is
 * a 0-d array owned by the layer, not a Java number, so autograd never sees a freed scalar
 * (NOTES.md).
 */
public final class LoraLinear implements LinearLayer {
  private final Linear base; // the frozen projection: weight [out, in], bias [out] or null
  private final NDArray loraA; // [r, in]
  private final NDArray loraB; // [out, r]
  private final double scale;
  private final NDArray scaleArray; // (), dtype of the weight
  private final LoraDropout dropout; // null when the probability is 0
  private boolean training;

  public LoraLinear(String name, NDArray weight, NDArray bias, NDArray loraA, NDArray loraB,
      double scale, LoraDropout dropout) {
    Shape w = weight.getShape();
    Shape a = loraA.getShape();
    Shape b = loraB.getShape();
    if (w.dimension() != 2 || a.dimension() != 2 || b.dimension() != 2 || a.get(1) != w.get(1)
        || b.get(0) != w.get(0) || b.get(1) != a.get(0)) {
      throw new IllegalArgumentException(name + ": LoRA shapes do not fit: weight " + w
          + ", lora_A " + a + " (expected [r, " + w.get(1) + "]), lora_B " + b
          + " (expected [" + w.get(0) + ", r])");
    }
    this.base = new Linear(name, weight, bias);
    this.loraA = loraA;
    this.loraB = loraB;
    this.scale = scale;
    // Created directly in the weight's dtype: a converted temporary would stay on the model's manager.
    this.scaleArray = weight.getDataType() == DataType.FLOAT64
        ? weight.getManager().create(scale) : weight.getManager().create((float) scale);
    if (scaleArray.getDataType() != weight.getDataType()) {
      throw new IllegalArgumentException(name + ": LoRA needs a float32 or float64 weight, got "
          + weight.getDataType());
    }
    this.dropout = dropout;
  }

  @Override
  public NDArray forward(NDArray x) {
    NDArray frozen = base.forward(x); // x [..., in] · Wᵀ (+ b) → [..., out]
    NDArray in = training && dropout != null ? x.mul(dropout.nextMask(x)) : x; // [..., in]
    // Scale the rank-r intermediate rather than the [..., out] result: r ≪ out, same value.
    NDArray down = ai.djl.nn.core.Linear.linear(in, loraA).singletonOrThrow().mul(scaleArray); // [..., r]
    return frozen.add(ai.djl.nn.core.Linear.linear(down, loraB).singletonOrThrow()); // [..., out]
  }

  @Override
  public String name() {
    return base.name();
  }

  /** Frozen base weight {@code [out, in]}. */
  public NDArray weight() {
    return base.weight();
  }

  /** Frozen base bias {@code [out]}, or null. */
  public NDArray bias() {
    return base.bias();
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
