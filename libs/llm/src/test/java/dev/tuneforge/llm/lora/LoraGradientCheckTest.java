package dev.tuneforge.llm.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.LinearFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Autograd gradients of the loss w.r.t. LoRA factors in attention (q, v, o) and MLP (gate, down)
 * equal central finite differences. The whole model runs in float64 (libtorch supports it for every
 * op of the forward: embedding, matmul, softmax, sigmoid, rsqrt, log-softmax, gather), so with h =
 * 1e-5 the truncation error (~h²·f''') and round-off (~1e-16/h) are both far below the 1e-6
 * relative tolerance; float32 would need ~1e-2.
 */
class LoraGradientCheckTest {

  @Test
  void loraGradientsThroughAttentionAndMlpMatchCentralDifferences() {
    try (NDManager manager = NDManager.newBaseManager()) {
      CausalLM model = ModelGradientCheck.float64Model(manager, LinearFactory.plain()).model();
      Map<String, NDArray> trainable = LoraParameters.trainable(model);
      assertEquals(20, trainable.size());
      trainable.values().forEach(p -> assertEquals(DataType.FLOAT64, p.getDataType()));

      double worst = ModelGradientCheck.maxRelativeError(model, trainable);
      System.out.printf(
          "LoRA gradient check (float64, 18 entries): max relative error %.3g%n", worst);
    }
  }
}
