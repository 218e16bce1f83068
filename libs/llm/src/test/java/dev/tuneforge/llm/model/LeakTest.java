package dev.tuneforge.llm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import dev.tuneforge.llm.Fixtures;
import dev.tuneforge.llm.generate.GenerationConfig;
import dev.tuneforge.llm.generate.Generator;
import dev.tuneforge.llm.score.Scorer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Repeated forwards, scoring and generation leave no arrays behind on any long-lived manager. */
class LeakTest {

  @Test
  void arrayCountsStayFlatOverManyForwards() {
    try (CausalLM model = ModelLoader.load(new LocalModelSource(Fixtures.reference("qwen3-bf16")));
        NDManager probe = NDManager.newBaseManager()) {
      NDManager system = probe.getParentManager();
      int[] ids = {0, 5, 288, 61, 61, 140, 201, 3, 77, 12};
      Generator generator = new Generator(model);
      // Warm up once: lazily created engine state is not a leak.
      Scorer.logprobs(model, ids);
      generator.generate(List.of(ids), GenerationConfig.greedy(3), null);
      int modelArrays = model.manager().getManagedArrays().size();
      int systemArrays = system.getManagedArrays().size();
      for (int i = 0; i < 40; i++) {
        Scorer.logprobs(model, ids);
        try (NDManager step = model.newStepManager()) {
          model.forward(step, new long[][] {{1, 2, 3}, {4, 5, 6}}, null);
        }
      }
      generator.generate(List.of(ids, new int[] {7, 8}), GenerationConfig.greedy(10), null);
      assertEquals(modelArrays, model.manager().getManagedArrays().size());
      assertEquals(systemArrays, system.getManagedArrays().size());
      assertEquals(model.parameters().size(), modelArrays);
    }
  }
}
