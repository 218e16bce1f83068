package dev.tuneforge.llm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.train.data.AttentionMasks;
import dev.tuneforge.llm.train.data.Batch;
import dev.tuneforge.llm.train.data.TokenizedExample;

/**
 * The training loss of a batch: the <em>summed</em> negative log-likelihood of its target tokens.
 * The caller divides by the target count of the whole accumulated batch, so k micro-batches give
 * the same loss and gradients as one batch k times larger (HF's per-token mean would weight a
 * micro-batch with few targets as much as one with many).
 */
public final class CrossEntropy {

  private CrossEntropy() {}

  /** Test hook (memory measurements): the trainer's loss over every position, as before. */
  static volatile boolean allPositionsForTest;

  /**
   * The loss with the LM head run only on the positions that predict a target: the last layer's
   * hidden rows at those positions are gathered first ({@link #sumAtTargets}), so no logits or
   * log-softmax exist for prompt tokens, padding or the last position. Equal to {@link
   * #sumAllPositions} up to float32 rounding (CrossEntropyTest compares them, values and
   * gradients).
   *
   * @param step manager for this micro-batch; every array created lands there
   * @return {@code ()} float32: Σ −log p(label) over target tokens, differentiable
   */
  public static NDArray sum(CausalLM model, NDManager step, Batch batch) {
    if (allPositionsForTest) {
      return sumAllPositions(model, step, batch);
    }
    Inputs in = inputs(step, batch);
    return sumAtTargets(
        model, step, batch, model.hidden(step, in.ids(), in.positions(), in.bias()));
  }

  /**
   * The reference form: logits and log-softmax for every position {@code [B, T, V]}, then the
   * targets picked out. Kept for the comparison tests and memory measurements.
   */
  public static NDArray sumAllPositions(CausalLM model, NDManager step, Batch batch) {
    Inputs in = inputs(step, batch);
    NDArray logits =
        model.forward(step, in.ids(), in.positions(), in.bias(), null, false); // (B, T, V)
    return sumOfLogits(step, batch, logits);
  }

  /**
   * Σ −log p(label) from the last layer's hidden states: gathers the N rows that predict a target
   * ({@code [B·T, D]} → {@code [N, D]}, an embedding lookup whose backward scatters the rows'
   * gradients back), runs the final norm and head on them ({@code [N, V]}) and the log-softmax. The
   * head and loss run in a scope that keeps only the loss: the logits' handle is closed, and
   * libtorch keeps what backward needs (the log-softmax output).
   *
   * @param hidden {@code [B, T, D]} ({@link CausalLM#hidden}), recorded or a leaf
   * @return {@code ()} float32 on {@code step}
   */
  public static NDArray sumAtTargets(CausalLM model, NDManager step, Batch batch, NDArray hidden) {
    int b = batch.batchSize();
    int t = batch.seqLen();
    long d = hidden.getShape().get(2);
    // labels[t] is predicted from position t−1
    int[] labels = batch.labels();
    int n = 0;
    for (int r = 0; r < b; r++) {
      for (int i = 1; i < t; i++) {
        if (labels[r * t + i] != TokenizedExample.IGNORE) {
          n++;
        }
      }
    }
    long[] rows = new long[n];
    long[] target = new long[n];
    int k = 0;
    for (int r = 0; r < b; r++) {
      for (int i = 1; i < t; i++) {
        int label = labels[r * t + i];
        if (label != TokenizedExample.IGNORE) {
          rows[k] = (long) r * t + i - 1;
          target[k++] = label;
        }
      }
    }
    // on the step, not the scope: backward reads both index arrays, and a closed handle would let
    // the GC free the Java buffer they wrap (NOTES.md)
    NDArray rowIds = step.create(rows, new Shape(n)); // (N)
    NDArray targetIds = step.create(target, new Shape(n, 1)); // (N, 1)
    try (NDManager scope = step.newSubManager()) {
      scope.tempAttachAll(rowIds, targetIds); // results of ops on them land in the scope
      NDArray picked =
          rowIds
              .getNDArrayInternal()
              .embedding(rowIds, hidden.reshape(b * (long) t, d), SparseFormat.DENSE)
              .singletonOrThrow(); // (N, D)
      NDArray logp = model.logits(scope, picked).logSoftmax(-1); // (N, V)
      NDArray loss = logp.gather(targetIds, -1).sum().neg(); // ()
      loss.attach(step);
      return loss;
    }
  }

  /**
   * The model inputs of a batch on {@code step}.
   *
   * @param ids (B, T) int64
   * @param positions (B, T) int64
   * @param bias (B, 1, 1, T, T) additive attention mask
   */
  public record Inputs(NDArray ids, NDArray positions, NDArray bias) {}

  public static Inputs inputs(NDManager step, Batch batch) {
    int b = batch.batchSize();
    int t = batch.seqLen();
    NDArray ids = step.create(toLongs(batch.inputIds()), new Shape(b, t)); // (B, T)
    NDArray pos = step.create(toLongs(batch.positionIds()), new Shape(b, t)); // (B, T)
    NDArray bias = AttentionMasks.additive(step, batch).reshape(b, 1, 1, t, t); // (B, 1, 1, T, T)
    return new Inputs(ids, pos, bias);
  }

  /**
   * @param logits (B, T, V) for the batch's inputs
   * @return {@code ()} float32: Σ −log p(label) over target tokens, differentiable
   */
  public static NDArray sumOfLogits(NDManager step, Batch batch, NDArray logits) {
    int b = batch.batchSize();
    int t = batch.seqLen();
    // labels[t] is predicted from position t−1: drop the last position's logits and label 0
    long[] target = new long[b * (t - 1)];
    float[] weight = new float[b * (t - 1)];
    int[] labels = batch.labels();
    for (int r = 0; r < b; r++) {
      for (int i = 1; i < t; i++) {
        int label = labels[r * t + i];
        int at = r * (t - 1) + i - 1;
        if (label != TokenizedExample.IGNORE) {
          target[at] = label;
          weight[at] = 1f;
        }
      }
    }
    NDArray logp = logits.get(new NDIndex(":, :-1, :")).logSoftmax(-1); // (B, T−1, V)
    NDArray picked = logp.gather(step.create(target, new Shape(b, t - 1, 1)), -1); // (B, T−1, 1)
    return picked.reshape(b, t - 1).mul(step.create(weight, new Shape(b, t - 1))).sum().neg(); // ()
  }

  private static long[] toLongs(int[] v) {
    long[] out = new long[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }
}
