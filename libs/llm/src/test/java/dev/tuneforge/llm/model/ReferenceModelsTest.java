package dev.tuneforge.llm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneforge.llm.Fixtures;
import dev.tuneforge.llm.generate.Generation;
import dev.tuneforge.llm.generate.GenerationConfig;
import dev.tuneforge.llm.generate.Generator;
import dev.tuneforge.llm.safetensors.DType;
import dev.tuneforge.llm.safetensors.FloatTensor;
import dev.tuneforge.llm.safetensors.SafetensorsCheckpoint;
import dev.tuneforge.llm.safetensors.SafetensorsWriter;
import dev.tuneforge.llm.score.Scorer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine against HF transformers: tiny random models of each family (BF16 and F32, GQA, tied
 * and untied heads, Qwen2 biases, Qwen3 q/k norms, llama3 RoPE scaling) saved by {@code
 * save_pretrained}, with log-probabilities and greedy continuations computed by transformers
 * ({@code src/test/python/make_reference_models.py}).
 */
class ReferenceModelsTest {
  @TempDir Path tmp;

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
      Generation g =
          new Generator(model)
              .generate(
                  Fixtures.ints(greedy.get("prompt")), GenerationConfig.greedy(want.length), null);
      assertArrayEquals(want, g.tokens());
    }
  }

  /**
   * The same weights re-written by the project's writer in F32 and BF16 (lossless here: the BF16
   * fixtures hold bf16 values, so both encodings are exact) still match the transformers reference.
   */
  @ParameterizedTest
  @CsvSource({
    "llama3-bf16,F32",
    "llama3-bf16,BF16",
    "mistral-f32,F32",
    "qwen2-bf16,F32",
    "qwen2-bf16,BF16",
    "qwen3-bf16,F32",
    "qwen3-bf16,BF16"
  })
  void checkpointRewrittenByTheProjectWriterMatchesTransformers(String name, DType dtype)
      throws IOException {
    Path src = Fixtures.reference(name);
    Map<String, FloatTensor> tensors = new LinkedHashMap<>();
    try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(new LocalModelSource(src))) {
      c.tensors()
          .forEach((n, info) -> tensors.put(n, new FloatTensor(info.shape(), c.readFloats(n))));
    }
    SafetensorsWriter.write(tmp.resolve("model.safetensors"), tensors, dtype);
    Files.copy(src.resolve("config.json"), tmp.resolve("config.json"));
    JsonNode seq = Fixtures.expected(name).get("sequences").get(1);
    try (CausalLM model = ModelLoader.load(new LocalModelSource(tmp))) {
      float[] actual = Scorer.logprobs(model, Fixtures.ints(seq.get("ids")));
      for (int i = 0; i < actual.length; i++) {
        assertEquals(
            seq.get("logprobs").get(i).asDouble(), actual[i], 1e-4, name + " logprob " + i);
      }
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
