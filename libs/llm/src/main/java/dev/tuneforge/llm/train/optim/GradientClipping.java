package dev.tuneforge.llm.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * Clipping by global norm, as {@code torch.nn.utils.clip_grad_norm_} (which HF Trainer applies with
 * {@code max_grad_norm}): the L2 norm over all gradients together, and if it exceeds the maximum
 * every gradient is scaled by {@code max / (norm + 1e-6)}. DJL's own {@code optClipGrad} clamps
 * each element instead, which changes the update's direction, hence this class.
 */
public final class GradientClipping {

  /** PyTorch's guard against dividing by a zero norm. */
  static final double EPS = 1e-6;

  private GradientClipping() {}

  /**
   * Scales {@code gradients} in place so their global L2 norm is at most {@code maxNorm}.
   *
   * @param scratch manager for the temporaries (a per-step sub-manager); nothing is left on it
   *     except what it already held
   * @return the global norm before clipping (what HF logs as {@code grad_norm}); NaN or infinite if
   *     a gradient is, in which case the gradients are left untouched and the caller should skip
   *     the step
   */
  public static double clipByGlobalNorm(
      List<NDArray> gradients, double maxNorm, NDManager scratch) {
    if (!(maxNorm > 0)) {
      throw new IllegalArgumentException("max_grad_norm must be > 0, got " + maxNorm);
    }
    double norm = globalNorm(gradients, scratch);
    if (!Double.isFinite(norm)) {
      return norm;
    }
    double coef = maxNorm / (norm + EPS);
    // torch multiplies by min(coef, 1); multiplying by 1.0 changes nothing, so skip it
    if (coef < 1.0) {
      try (NDManager tmp = scratch.newSubManager()) {
        for (NDArray g : gradients) {
          tmp.tempAttachAll(g);
          g.muli((float) coef);
        }
      }
    }
    return norm;
  }

  /**
   * The global L2 norm of {@code gradients}: per-tensor sums of squares in float32 on the device,
   * stacked so only one number crosses to the host, then summed in double.
   */
  public static double globalNorm(List<NDArray> gradients, NDManager scratch) {
    if (gradients.isEmpty()) {
      return 0.0;
    }
    try (NDManager tmp = scratch.newSubManager()) {
      NDList squares = new NDList(gradients.size());
      for (NDArray g : gradients) {
        tmp.tempAttachAll(g);
        squares.add(g.square().sum()); // () per tensor
      }
      float[] perTensor = NDArrays.stack(squares).toFloatArray(); // (k)
      double total = 0;
      for (float s : perTensor) {
        total += s;
      }
      return Math.sqrt(total);
    }
  }
}
