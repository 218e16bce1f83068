package dev.tuneforge.llm.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.llm.Fixtures;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.model.ModelLoader;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GeneratorTest {
  private static CausalLM model;
  private static Generator generator;
  private static final int[] PROMPT = {0, 44, 91, 150, 12};

  /** A stand-in detokenizer: each id becomes "<id>". */
  private static final Function<int[], String> DECODE =
      ids -> Arrays.stream(ids).mapToObj(i -> "<" + i + ">").collect(Collectors.joining());

  @BeforeAll
  static void load() {
    model = ModelLoader.load(new LocalModelSource(Fixtures.reference("llama3-bf16")));
    generator = new Generator(model);
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static GenerationConfig sampling(long seed) {
    return GenerationConfig.greedy(12).withSampling(1.0, 50, 0.95, seed);
  }

  @Test
  void sameSeedGivesTheSameSample() {
    int[] a = generator.generate(PROMPT, sampling(7), null).tokens();
    int[] b = generator.generate(PROMPT, sampling(7), null).tokens();
    assertArrayEquals(a, b);
    assertEquals(12, a.length);
  }

  @Test
  void differentSeedsGiveDifferentSamples() {
    Set<String> samples = new HashSet<>();
    for (long seed = 0; seed < 5; seed++) {
      samples.add(Arrays.toString(generator.generate(PROMPT, sampling(seed), null).tokens()));
    }
    assertTrue(samples.size() > 1, "five seeds all produced " + samples);
  }

  @Test
  void eosEndsTheSequenceWithoutBeingEmitted() {
    int[] greedy = Fixtures.ints(Fixtures.expected("llama3-bf16").get("greedy").get("tokens"));
    Generation g =
        generator.generate(PROMPT, GenerationConfig.greedy(8).withEos(Set.of(greedy[3])), null);
    assertArrayEquals(Arrays.copyOf(greedy, 3), g.tokens());
    assertEquals(FinishReason.EOS, g.finishReason());
  }

  @Test
  void stopStringCutsTheText() {
    int[] greedy = Fixtures.ints(Fixtures.expected("llama3-bf16").get("greedy").get("tokens"));
    String stop = "<" + greedy[2] + ">";
    Generation g =
        generator.generate(
            PROMPT, GenerationConfig.greedy(8).withStopStrings(List.of(stop)), DECODE);
    assertEquals(FinishReason.STOP_STRING, g.finishReason());
    assertEquals("<" + greedy[0] + "><" + greedy[1] + ">", g.text());
    assertEquals(3, g.tokens().length);
  }

  @Test
  void maxNewTokensEndsWithLength() {
    Generation g = generator.generate(PROMPT, GenerationConfig.greedy(4), DECODE);
    assertEquals(FinishReason.LENGTH, g.finishReason());
    assertEquals(4, g.tokens().length);
    assertEquals(DECODE.apply(g.tokens()), g.text());
  }

  @Test
  void batchedPromptsDecodeAsIfAlone() {
    List<int[]> prompts =
        List.of(PROMPT, new int[] {0, 9}, new int[] {0, 5, 288, 61, 61, 140, 201, 3});
    List<Generation> batch = generator.generate(prompts, GenerationConfig.greedy(6), null);
    for (int i = 0; i < prompts.size(); i++) {
      assertArrayEquals(
          generator.generate(prompts.get(i), GenerationConfig.greedy(6), null).tokens(),
          batch.get(i).tokens(),
          "prompt " + i);
    }
  }

  @Test
  void topKAndTopPFilterTheDistribution() {
    float[] logits = {2f, 1f, 0.5f, 0f, -1f};
    double[] p = Sampler.probabilities(logits, 0, 5, 1.0, 2, 1.0);
    assertEquals(2, Arrays.stream(p).filter(x -> x > 0).count());
    assertEquals(1 / (1 + Math.exp(-1)), p[0], 1e-12);
    double[] full = Sampler.probabilities(logits, 0, 5, 1.0, 0, 1.0);
    // top-p 0.8: the smallest prefix of the sorted distribution whose mass reaches 0.8.
    double[] nucleus = Sampler.probabilities(logits, 0, 5, 1.0, 0, 0.8);
    int kept = (int) Arrays.stream(nucleus).filter(x -> x > 0).count();
    double massBefore = 0;
    for (int i = 0; i < kept - 1; i++) {
      massBefore += full[i];
    }
    assertTrue(massBefore < 0.8 && massBefore + full[kept - 1] >= 0.8);
    assertEquals(1.0, Arrays.stream(nucleus).sum(), 1e-12);
    // Low temperature sharpens.
    assertTrue(Sampler.probabilities(logits, 0, 5, 0.1, 0, 1.0)[0] > full[0]);
  }

  @Test
  void samplingFrequenciesFollowTheProbabilities() {
    float[] logits = {1f, 0f, -1f};
    GenerationConfig c = GenerationConfig.greedy(1).withSampling(1.0, 0, 1.0, 3);
    java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
    int[] counts = new int[3];
    int n = 20000;
    for (int i = 0; i < n; i++) {
      counts[Sampler.sample(logits, 0, 3, c, rng)]++;
    }
    double[] p = Sampler.probabilities(logits, 0, 3, 1.0, 0, 1.0);
    for (int i = 0; i < 3; i++) {
      assertEquals(p[i], counts[i] / (double) n, 0.015, "token " + i);
    }
    assertNotEquals(0, counts[2]);
  }
}
