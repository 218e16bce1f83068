package dev.tuneforge.llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Per-forward state: the step's manager and the scalar constants as 0-d arrays. Scalars are arrays
 * on the step manager (not {@code mul(Number)}) so they stay alive until backward (NOTES.md).
 *
 * @param step manager that owns every array the forward creates
 * @param eps RMSNorm epsilon, shape ()
 * @param attnScale {@code 1/sqrt(head_dim)}, shape ()
 */
public record ForwardContext(NDManager step, NDArray eps, NDArray attnScale) {

  public static ForwardContext of(NDManager step, double eps, int headDim) {
    return new ForwardContext(
        step,
        step.full(new Shape(), (float) eps, DataType.FLOAT32),
        step.full(new Shape(), (float) (1.0 / Math.sqrt(headDim)), DataType.FLOAT32));
  }
}
