package dev.tuneforge.llm.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.llm.Fixtures;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.score.Scorer;
import dev.tuneforge.llm.testutil.Bounded;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests beyond the model's context (128 positions for this fixture) are refused before the KV
 * cache or logits are allocated, naming the option and the limit.
 */
class ContextLimitTest {
  private static CausalLM model;

  @BeforeAll
  static void load() {
    model = ModelLoader.load(new LocalModelSource(Fixtures.reference("llama3-bf16")));
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static String refused(Bounded.Action action) {
    Bounded.Cost cost = Bounded.measure(action);
    IllegalArgumentException e = assertInstanceOf(IllegalArgumentException.class, cost.thrown());
    assertTrue(cost.cpuMillis() < 2_000 && cost.peakHeapGrowthMib() < 64, cost.toString());
    return e.getMessage();
  }

  @Test
  void maxNewTokensBeyondTheContextIsRefusedBeforeAllocating() {
    Generator generator = new Generator(model);
    String huge =
        refused(
            () ->
                generator.generate(
                    new int[] {0, 5, 9}, GenerationConfig.greedy(Integer.MAX_VALUE), null));
    assertTrue(
        huge.contains("max_new_tokens 2147483647")
            && huge.contains("needs 2147483650")
            && huge.contains("context of 128 (max_position_embeddings)")
            && huge.contains("at most 125 here"),
        huge);
    // Right at the limit is fine: 3 + 125 = 128 positions.
    assertEquals(
        125,
        generator
            .generate(new int[] {0, 5, 9}, GenerationConfig.greedy(125), null)
            .tokens()
            .length);
  }

  @Test
  void aPromptLongerThanTheContextIsRefused() {
    int[] prompt = new int[129];
    String message =
        refused(() -> new Generator(model).generate(prompt, GenerationConfig.greedy(1), null));
    assertTrue(
        message.contains("prompt of 129 tokens is longer than the model's context of 128"),
        message);
    assertTrue(refused(() -> Scorer.logprobs(model, prompt)).contains("prompt of 129 tokens"));
  }
}
