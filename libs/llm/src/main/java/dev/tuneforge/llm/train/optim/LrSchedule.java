package dev.tuneforge.llm.train.optim;

import java.util.Locale;

/**
 * A learning-rate schedule as a pure function of the optimizer step, so a resumed run needs only
 * the step count to continue it. {@code factor(step)} is the multiplier of the base learning rate
 * for the update made after {@code step} earlier updates (step 0 is the first update), exactly as
 * HF's {@code LambdaLR} schedules apply it: with warmup the first update uses lr 0.
 *
 * <p>Formulas, copied from transformers' {@code optimization.py} (w = warmup steps, T = total
 * steps, s = step):
 *
 * <ul>
 *   <li>warmup (all kinds), s &lt; w: s / max(1, w)
 *   <li>constant: 1
 *   <li>linear: max(0, (T − s) / max(1, T − w))
 *   <li>cosine: max(0, ½·(1 + cos(π · 2·0.5 · (s − w) / max(1, T − w))))
 * </ul>
 */
public interface LrSchedule {

  /** Multiplier of the base learning rate for the update after {@code step} updates. */
  double factor(long step);

  /** The schedule kinds of {@code lr_scheduler} (Axolotl / HF names). */
  enum Kind {
    CONSTANT,
    LINEAR,
    COSINE;

    /** Parses {@code constant}, {@code linear}, {@code cosine} (HF's {@code *_with_warmup} too). */
    public static Kind parse(String name) {
      String n =
          name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace("_with_warmup", "");
      return switch (n) {
        case "constant" -> CONSTANT;
        case "linear" -> LINEAR;
        case "cosine" -> COSINE;
        default ->
            throw new IllegalArgumentException(
                "lr_scheduler must be one of constant, linear, cosine; got '" + name + "'");
      };
    }
  }

  /** Base learning rate times {@link #factor}. */
  default double lr(double baseLr, long step) {
    return baseLr * factor(step);
  }

  /** HF {@code get_constant_schedule_with_warmup}. */
  static LrSchedule constant(int warmupSteps) {
    checkWarmup(warmupSteps);
    return step -> step < warmupSteps ? (double) step / Math.max(1.0, warmupSteps) : 1.0;
  }

  /** HF {@code get_linear_schedule_with_warmup}. */
  static LrSchedule linear(int warmupSteps, long totalSteps) {
    checkWarmup(warmupSteps);
    checkTotal(totalSteps);
    return step ->
        step < warmupSteps
            ? (double) step / Math.max(1, warmupSteps)
            : Math.max(0.0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
  }

  /** HF {@code get_cosine_schedule_with_warmup} with its default half cycle (decay to 0). */
  static LrSchedule cosine(int warmupSteps, long totalSteps) {
    checkWarmup(warmupSteps);
    checkTotal(totalSteps);
    double numCycles = 0.5;
    return step -> {
      if (step < warmupSteps) {
        return (double) step / Math.max(1, warmupSteps);
      }
      double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
      return Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * numCycles * 2.0 * progress)));
    };
  }

  /** The schedule of a kind. */
  static LrSchedule of(Kind kind, int warmupSteps, long totalSteps) {
    return switch (kind) {
      case CONSTANT -> constant(warmupSteps);
      case LINEAR -> linear(warmupSteps, totalSteps);
      case COSINE -> cosine(warmupSteps, totalSteps);
    };
  }

  /**
   * Warmup steps from either a count or a ratio of the total, as HF's {@code
   * TrainingArguments.get_warmup_steps}: a ratio r gives ceil(total · r).
   *
   * @param warmupSteps explicit count, or null
   * @param warmupRatio fraction of total steps in [0, 1], or null
   */
  static int warmupSteps(Integer warmupSteps, Double warmupRatio, long totalSteps) {
    if (warmupSteps != null && warmupRatio != null) {
      throw new IllegalArgumentException("set warmup_steps or warmup_ratio, not both");
    }
    if (warmupSteps != null) {
      checkWarmup(warmupSteps);
      return warmupSteps;
    }
    if (warmupRatio != null) {
      if (!(warmupRatio >= 0 && warmupRatio <= 1)) {
        throw new IllegalArgumentException("warmup_ratio must be in [0, 1], got " + warmupRatio);
      }
      checkTotal(totalSteps);
      return (int) Math.ceil(totalSteps * warmupRatio);
    }
    return 0;
  }

  private static void checkWarmup(int warmupSteps) {
    if (warmupSteps < 0) {
      throw new IllegalArgumentException("warmup_steps must be >= 0, got " + warmupSteps);
    }
  }

  private static void checkTotal(long totalSteps) {
    if (totalSteps <= 0) {
      throw new IllegalArgumentException("total training steps must be > 0, got " + totalSteps);
    }
  }
}
