/**
 * Optimisation pieces of the training loop, each usable and testable alone: {@link
 * dev.tuneforge.llm.train.optim.AdamW} (PyTorch's algorithm, state exposed for exact resume),
 * {@link dev.tuneforge.llm.train.optim.GradientClipping} (global L2 norm, as {@code
 * clip_grad_norm_}) and {@link dev.tuneforge.llm.train.optim.LrSchedule} (HF's constant, linear and
 * cosine schedules with warmup, as pure functions of the step).
 */
package dev.tuneforge.llm.train.optim;
