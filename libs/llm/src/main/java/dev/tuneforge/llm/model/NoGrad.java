package dev.tuneforge.llm.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * A scope in which libtorch records no autograd graph, as {@code torch.no_grad()}: {@code try (var
 * g = NoGrad.enter()) { ... }}. Grad mode is per thread and libtorch starts every new thread with
 * it on (DJL switches it off only on the thread that created the engine), so code that must not
 * record (in-place optimizer updates on leaf parameters, evaluation, generation) says so itself
 * instead of depending on which thread it runs on. Restores the previous mode on close.
 */
public final class NoGrad implements AutoCloseable {
  private final boolean pytorch;
  private final boolean previous;

  private NoGrad() {
    pytorch = "PyTorch".equals(Engine.getInstance().getEngineName());
    previous = pytorch && JniUtils.isGradMode();
    if (pytorch) {
      JniUtils.setGradMode(false);
    }
  }

  public static NoGrad enter() {
    return new NoGrad();
  }

  @Override
  public void close() {
    if (pytorch) {
      JniUtils.setGradMode(previous);
    }
  }
}
