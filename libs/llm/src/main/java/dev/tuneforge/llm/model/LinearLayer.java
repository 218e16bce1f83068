package dev.tuneforge.llm.model;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * A projection {@code y = x W^T (+ b)} inside the transformer. The model only knows this interface,
 * so training can build a LoRA variant, or an NF4-quantised base, in place of a plain {@link
 * Linear} (see {@link LinearFactory}).
 */
public interface LinearLayer {

  /** {@code x [..., in]} → {@code [..., out]}. */
  NDArray forward(NDArray x);

  /** HF module name, e.g. {@code model.layers.0.self_attn.q_proj}. */
  String name();

  /**
   * Every float tensor of the layer by HF tensor name (frozen and trainable). A quantised base
   * weight is not an NDArray parameter and is not listed (see {@code quant.Nf4Linear}).
   */
  Map<String, NDArray> parameters();

  /** {@code in} of the weight {@code [out, in]}. */
  long inFeatures();

  /** {@code out} of the weight {@code [out, in]}. */
  long outFeatures();
}
