package dev.tuneforge.llm.model;

/** Test access to {@link CausalLM}'s per-layer scoping of recorded forwards. */
public final class LayerScopes {
  private LayerScopes() {}

  /**
   * true: a recorded forward keeps every intermediate's handle until the step closes (the engine
   * before scoping); false (default): each layer's intermediates are closed after the layer.
   */
  public static void keepIntermediates(boolean keep) {
    CausalLM.keepLayerIntermediates = keep;
  }
}
