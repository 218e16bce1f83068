package dev.tuneforge.llm.train.optim;

/** Test access to AdamW's op-by-op path (the reference of the fused kernel) from other packages. */
public final class OptimizerPaths {
  private OptimizerPaths() {}

  public static void useOpsOnly(AdamW opt) {
    opt.useOpsOnly();
  }
}
