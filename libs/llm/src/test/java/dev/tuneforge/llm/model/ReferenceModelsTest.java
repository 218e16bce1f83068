package dev.tuneforge.llm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneforge.llm.Fixtures;
import dev.tuneforge.llm.generate.Generation;
import dev.tuneforge.llm.generate.GenerationConfig;
import dev.tuneforge.llm.generate.Generator;
import dev.tuneforge.llm.score.Scorer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine against HF transformers: tiny random models of each family (BF16 and F32, GQA, tied
 * and untied heads, Qwen2 biases, Qwen3 q/k norms, llama3 RoPE scaling) saved by
 * {@code save_pretrained}, with log-probabilities and greedy continuations computed by transformers
 * ({@code src/test/python/make_reference_models.py}).
 */
class ReferenceModelsTest {

  @ParameterizedTest
  @ValueSource(strings = {"llama3-bf16", "mistral-f32", "qwen2-bf16", "qwen3-bf16"})
  void logprobsMatchTransformers(String name) {
    JsonNode expected = Fixtures.expected(name);
    try (CausalLM model = ModelLoader.load(new LocalModelSource(Fixtures.reference(name)))) {
      for (JsonNode seq : expected.get("sequences")) {
        int[] ids = Fixtures.ints(seq.get("ids"));
        float[] actual = Scorer.logprobs(model, ids);
        JsonNode want = seq.get("logprobs");
        assertEquals(want.size(), actual.length);
        for (int i = 0; i < actual.length; i++) {
          assertEquals(want.get(i).asDouble(), actual[i], 1e-4, name + " logprob " + i);
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama3-bf16", "mistral-f32", "qwen2-bf16", "qwen3-bf16"})
  void greedyContinuationWithKvCacheMatchesTransformers(String name) {
    JsonNode greedy = Fixtures.expected(name).get("greedy");
    try (CausalLM model = ModelLoader.load(new LocalModelSource(Fixtures.reference(name)))) {
      int[] want = Fixtures.ints(greedy.get("tokens"));
      Generation g = new Generator(model)
          .generate(Fixtures.ints(greedy.get("prompt")), GenerationConfig.greedy(want.length), null);
      assertArrayEquals(want, g.tokens());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama3-bf16", "mistral-f32", "qwen2-bf16", "qwen3-bf16"})
  void parameterCountMatchesTransformers(String name) {
    try (CausalLM model = ModelLoader.load(new LocalModelSource(Fixtures.reference(name)))) {
      assertEquals(Fixtures.expected(name).get("parameter_count").asLong(), model.parameterCount());
    }
  }
}
