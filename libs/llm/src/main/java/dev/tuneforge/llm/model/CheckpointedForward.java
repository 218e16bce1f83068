package dev.tuneforge.llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A training forward with activation checkpointing per decoder layer (HF's {@code
 * gradient_checkpointing}): the layers run without recording and only each layer's input {@code x_i
 * [B, T, D]} is kept; {@link #backward} re-runs one layer at a time with recording, backpropagates
 * it and frees it before the next. Peak memory holds one layer's activations (and, for QLoRA, one
 * layer's dequantized weights) instead of all of them, at the cost of one extra forward per layer.
 *
 * <p>DJL has no custom autograd functions, so the chain rule across layers is done here: with
 * {@code g_{i+1} = dL/dy_i} known, the scalar {@code Σ(y_i · g_{i+1})} has the same gradient w.r.t.
 * layer i's parameters and its input as {@code L}, so one ordinary backward of it accumulates the
 * parameters' gradients (into their {@code .grad}, as every backward does) and yields {@code g_i =
 * dL/dx_i}. The final norm, head and loss are recorded normally on a leaf last hidden state; a
 * trainable embedding (full fine-tuning) gets {@code g_0} through one last backward of the lookup,
 * on top of what a tied LM head already accumulated into it.
 *
 * <p>Use: inside one open {@link GradientCollector} (grad mode on), {@link #run}, then {@link
 * #backward}; every array lives on the caller's step manager.
 */
public final class CheckpointedForward {
  private final CausalLM model;
  private final NDManager step;
  private final NDArray ids; // [B, T] int64
  private final NDArray bias; // [B, 1, 1, T, T] additive mask
  private final ForwardContext ctx;
  private final Rope.Tables tables; // [B, 1, T, d] each
  private final List<NDArray> inputs; // x_0 … x_{L-1}, each [B, T, D], unrecorded
  private final NDArray last; // y_{L-1} [B, T, D], a leaf that requires grad
  private final NDArray loss; // (), recorded from `last`

  private CheckpointedForward(
      CausalLM model,
      NDManager step,
      NDArray ids,
      NDArray bias,
      ForwardContext ctx,
      Rope.Tables tables,
      List<NDArray> inputs,
      NDArray last,
      NDArray loss) {
    this.model = model;
    this.step = step;
    this.ids = ids;
    this.bias = bias;
    this.ctx = ctx;
    this.tables = tables;
    this.inputs = inputs;
    this.last = last;
    this.loss = loss;
  }

  /**
   * The forward: layers unrecorded, head and loss recorded.
   *
   * @param ids token ids {@code [B, T]} int64
   * @param positions position ids {@code [B, T]} int64
   * @param bias additive attention mask {@code [B, 1, 1, T, T]}
   * @param lossOfLogits logits {@code [B, T, V]} → the scalar {@code ()} to backpropagate
   */
  public static CheckpointedForward run(
      CausalLM model,
      NDManager step,
      NDArray ids,
      NDArray positions,
      NDArray bias,
      Function<NDArray, NDArray> lossOfLogits) {
    return runOnHidden(
        model,
        step,
        ids,
        positions,
        bias,
        hidden -> lossOfLogits.apply(model.head(hidden, model.context(step))));
  }

  /**
   * The forward with the loss computed from the last layer's output {@code [B, T, D]} (before the
   * final norm), so the caller can run the head on selected positions only.
   *
   * @param lossOfHidden hidden {@code [B, T, D]} (a leaf that requires grad) → the scalar {@code
   *     ()} to backpropagate
   */
  public static CheckpointedForward runOnHidden(
      CausalLM model,
      NDManager step,
      NDArray ids,
      NDArray positions,
      NDArray bias,
      Function<NDArray, NDArray> lossOfHidden) {
    model.lendParameters(step);
    ForwardContext ctx = model.context(step);
    List<NDArray> inputs = new ArrayList<>();
    Rope.Tables tables;
    NDArray x;
    try (NoGrad noGrad = NoGrad.enter()) {
      tables = model.ropeTables(step, positions);
      x = model.embed(ids); // [B, T, D]
      for (DecoderLayer layer : model.layers()) {
        inputs.add(x); // the checkpoint: all backward needs to rebuild this layer
        try (NDManager scope = step.newSubManager()) {
          model.lendParameters(scope); // parameter-first ops land in the scope too
          scope.tempAttachAll(x);
          NDArray y = layer.forward(ctx, x, tables, bias, null); // [B, T, D]
          y.attach(step);
          x = y;
        }
      }
    }
    // y_{L-1} was computed unrecorded, so it is a leaf: its .grad after backward(loss) is g_L
    x.setRequiresGradient(true);
    NDArray loss = lossOfHidden.apply(x); // ()
    return new CheckpointedForward(model, step, ids, bias, ctx, tables, inputs, x, loss);
  }

  /** The recorded loss {@code ()}. */
  public NDArray loss() {
    return loss;
  }

  /**
   * Backpropagates the loss through the head, then through each layer from the last to the first by
   * recomputing it, then into the embedding if it is trainable. Gradients accumulate into the
   * parameters' {@code .grad} as one ordinary backward would.
   *
   * @param replay called before each layer's recompute; rewinds random layers (LoRA dropout) to the
   *     start of the micro-batch, so the layer draws the masks it drew in {@link #run} (each module
   *     draws only inside its own layer, so rewinding all of them replays exactly that layer's)
   */
  public void backward(GradientCollector collector, Runnable replay) {
    collector.backward(loss);
    NDArray g;
    try (NDArray grad = last.getGradient()) {
      g = grad.duplicate(); // g_L = dL/dy_{L-1} [B, T, D]
    }
    List<DecoderLayer> layers = model.layers();
    for (int i = layers.size() - 1; i >= 0; i--) {
      NDArray xi = inputs.get(i); // [B, T, D], unrecorded: a leaf
      try (NDManager scope = step.newSubManager()) {
        model.lendParameters(scope);
        scope.tempAttachAll(xi); // g stays on the step: it is closed and replaced below
        xi.setRequiresGradient(true);
        replay.run();
        NDArray y = layers.get(i).forward(ctx, xi, tables, bias, null); // [B, T, D], recorded
        // d/dθ Σ(y · g) = (dy/dθ)ᵀ g = dL/dθ: layer i's share of the loss's gradient
        collector.backward(y.mul(g).sum());
        NDArray gi = xi.getGradient().duplicate(); // g_i = dL/dx_i [B, T, D]
        gi.attach(step);
        g.close();
        g = gi;
      } // the recompute's graph and arrays (and dequantized NF4 weights) go here
      xi.close();
    }
    NDArray embedding = model.embedding();
    if (embedding.hasGradient()) { // full fine-tuning: the lookup's gradient scatters g_0 into rows
      try (NDManager scope = step.newSubManager()) {
        scope.tempAttachAll(ids);
        NDArray e = model.embed(ids); // [B, T, D], recorded
        collector.backward(e.mul(g).sum());
      }
    }
    g.close();
  }
}
