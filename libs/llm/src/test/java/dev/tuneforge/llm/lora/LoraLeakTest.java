package dev.tuneforge.llm.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.tuneforge.llm.Fixtures;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.model.ModelLoader;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * LoRA training steps (dropout on, backward, gradients read) leave no arrays on long-lived
 * managers.
 */
class LoraLeakTest {

  @Test
  void arrayCountsStayFlatOverTrainingSteps() {
    LoraLinearFactory f =
        LoraLinearFactory.fresh(
            new LoraConfig(4, 8, 0.1, List.of(LoraConfig.ALL_LINEAR), false, 1));
    try (CausalLM model =
            ModelLoader.load(
                new LocalModelSource(Fixtures.reference("llama3-bf16")),
                Engine.getInstance().defaultDevice(),
                f);
        NDManager probe = NDManager.newBaseManager()) {
      NDManager system = probe.getParentManager();
      f.setTraining(true);
      f.trainableParameters().values().forEach(p -> p.setRequiresGradient(true));
      step(model, f); // warm-up: lazily created engine state is not a leak
      int modelArrays = model.manager().getManagedArrays().size();
      int systemArrays = system.getManagedArrays().size();
      for (int i = 0; i < 20; i++) {
        step(model, f);
      }
      assertEquals(modelArrays, model.manager().getManagedArrays().size());
      assertEquals(systemArrays, system.getManagedArrays().size());
      // Parameters, one 0-d scale per LoRA layer; nothing else lives on the model's manager.
      assertEquals(model.parameters().size() + f.layers().size(), modelArrays);
    }
  }

  private static void step(CausalLM model, LoraLinearFactory f) {
    try (NDManager step = model.newStepManager();
        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      long[] row = {0, 17, 250, 33, 4, 99, 120, 7};
      NDArray logits = model.forward(step, new long[][] {row}, null); // [1, T, V]
      NDArray logp = logits.get(new NDIndex(":, :-1, :")).logSoftmax(-1);
      long[] next = java.util.Arrays.copyOfRange(row, 1, row.length);
      NDArray loss = logp.gather(step.create(next, new Shape(1, next.length, 1)), -1).mean().neg();
      gc.backward(loss);
      double norm = 0;
      for (NDArray p : f.trainableParameters().values()) {
        norm += p.getGradient().square().sum().getFloat();
      }
      assertTrue(norm > 0, "LoRA factors receive gradients");
    }
  }
}
