package dev.tuneforge.llm.train.optim;

import ai.djl.ndarray.NDArray;

/**
 * A tensor the optimizer updates in place, under a stable name (the checkpoint key of its moments)
 * and with its weight-decay choice: HF Trainer decays every weight except biases and norm weights,
 * LoRA recipes decay the adapter matrices.
 */
public record TrainableParameter(String name, NDArray value, boolean decay) {

  public TrainableParameter {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a trainable parameter needs a name");
    }
    if (value == null) {
      throw new IllegalArgumentException("parameter " + name + " has no tensor");
    }
  }
}
