package dev.tuneforge.llm.train.optim;

/**
 * AdamW's hyper-parameters (the learning rate comes from the schedule, per step). Defaults are
 * PyTorch's {@code torch.optim.AdamW} defaults except weight decay, which HF Trainer and Axolotl
 * default to 0.
 */
public record AdamWConfig(double beta1, double beta2, double eps, double weightDecay) {

  public static final AdamWConfig DEFAULTS = new AdamWConfig(0.9, 0.999, 1e-8, 0.0);

  public AdamWConfig {
    if (!(beta1 >= 0 && beta1 < 1)) {
      throw new IllegalArgumentException("adam_beta1 must be in [0, 1), got " + beta1);
    }
    if (!(beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException("adam_beta2 must be in [0, 1), got " + beta2);
    }
    if (!(eps > 0)) {
      throw new IllegalArgumentException("adam_epsilon must be > 0, got " + eps);
    }
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw new IllegalArgumentException(
          "weight_decay must be finite and >= 0, got " + weightDecay);
    }
  }

  public AdamWConfig withWeightDecay(double wd) {
    return new AdamWConfig(beta1, beta2, eps, wd);
  }
}
