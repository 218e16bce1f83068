package dev.tuneforge.llm.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.llm.RandomCheckpoints;
import dev.tuneforge.llm.config.ModelConfig;
import dev.tuneforge.llm.model.Architecture;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.safetensors.FloatTensor;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Autograd gradients of the loss w.r.t. LoRA factors in attention (q, v, o) and MLP (gate, down)
 * equal central finite differences. The whole model runs in float64 (libtorch supports it for
 * every op of the forward: embedding, matmul, softmax, sigmoid, rsqrt, log-softmax, gather), so
 * with h = 1e-5 the truncation error (~h²·f''') and round-off (~1e-16/h) are both far below the
 * 1e-6 relative tolerance; float32 would need ~1e-2.
 */
class LoraGradientCheckTest {

  @Test
  void loraGradientsThroughAttentionAndMlpMatchCentralDifferences() {
    ObjectNode json = RandomCheckpoints.tinyConfig("llama");
    ModelConfig c = ModelConfig.parse(json.toString());
    Architecture arch = ModelLoader.architecture(c.modelType());
    Map<String, FloatTensor> base = RandomCheckpoints.randomTensors(arch.expectedTensors(c), 5);
    LoraConfig lora = new LoraConfig(3, 6, 0.0, List.of("q_proj", "v_proj", "o_proj", "gate_proj", "down_proj"), false, 1);
    Map<String, LoraWeights> factors = ModelGradientCheck.randomFactors(base, lora, new Random(4));
    try (NDManager manager = NDManager.newBaseManager()) {
      LoraLinearFactory f = LoraLinearFactory.fromAdapter(lora, factors);
      CausalLM model = CausalLM.build(c, arch, name -> {
        FloatTensor t = base.get(name);
        return manager.create(t.data(), new Shape(t.shape())).toType(DataType.FLOAT64, false);
      }, f, manager, "float64");
      Map<String, NDArray> trainable = LoraParameters.trainable(model);
      assertEquals(20, trainable.size());
      trainable.values().forEach(p -> assertEquals(DataType.FLOAT64, p.getDataType()));

      double worst = ModelGradientCheck.maxRelativeError(model, trainable);
      System.out.printf("LoRA gradient check (float64, 18 entries): max relative error %.3g%n", worst);
    }
  }
}
