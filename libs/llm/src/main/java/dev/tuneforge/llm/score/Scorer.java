package dev.tuneforge.llm.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.tuneforge.llm.generate.ContextLimit;
import dev.tuneforge.llm.model.CausalLM;

/** Per-token log-probabilities of a token sequence under a model (teacher forcing, one forward). */
public final class Scorer {
  private Scorer() {}

  /**
   * {@code logprobs[i] = log p(ids[i+1] | ids[0..i])}, so the result has {@code ids.length - 1}
   * entries (none for fewer than two ids). Computed in float32 with a log-softmax over the
   * vocabulary.
   */
  public static float[] logprobs(CausalLM model, int[] ids) {
    if (ids.length < 2) {
      return new float[0];
    }
    ContextLimit.check(ids.length, 0, model.config()); // before the [1, T, V] logits exist
    int vocab = model.config().vocabSize();
    long[] row = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] >= vocab) {
        throw new IllegalArgumentException(
            "token id "
                + ids[i]
                + " at index "
                + i
                + " is outside the vocabulary [0, "
                + vocab
                + ")");
      }
      row[i] = ids[i];
    }
    try (NDManager step = model.newStepManager()) {
      NDArray logits = model.forward(step, new long[][] {row}, null); // [1, T, V]
      NDArray logp = logits.get(new NDIndex(":, :-1, :")).logSoftmax(-1); // [1, T-1, V]
      long[] next = java.util.Arrays.copyOfRange(row, 1, row.length);
      NDArray targets = step.create(next, new Shape(1, next.length, 1)); // [1, T-1, 1]
      float[] out = logp.gather(targets, -1).toFloatArray(); // [1, T-1, 1] → T-1 values
      requireFinite(out);
      return out;
    }
  }

  /**
   * A log-probability that is not a number (NaN/Inf weights, an overflow) is an error, never a
   * "NaN" score handed on as if it were one.
   */
  static void requireFinite(float[] logprobs) {
    for (int i = 0; i < logprobs.length; i++) {
      if (!Float.isFinite(logprobs[i])) {
        throw new IllegalStateException(
            "the forward pass produced a log-probability of "
                + logprobs[i]
                + " at position "
                + (i + 1)
                + "; the model's weights or activations are not finite numbers");
      }
    }
  }
}
