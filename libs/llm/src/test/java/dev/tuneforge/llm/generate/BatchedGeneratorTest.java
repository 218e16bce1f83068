package dev.tuneforge.llm.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.llm.Fixtures;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.model.ModelLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Continuous batching gives every request what generating it alone gives. */
class BatchedGeneratorTest {
  private static CausalLM model;
  private static Generator alone;
  private static final Function<int[], String> DECODE =
      ids -> Arrays.stream(ids).mapToObj(i -> "<" + i + ">").collect(Collectors.joining());
  private static final List<int[]> PROMPTS =
      List.of(
          new int[] {0, 44, 91, 150, 12},
          new int[] {0, 9},
          new int[] {0, 5, 288, 61, 61, 140, 201, 3},
          new int[] {7},
          new int[] {0, 17, 250, 33, 4, 99, 120},
          new int[] {3, 3, 3});

  @BeforeAll
  static void load() {
    model = ModelLoader.load(new LocalModelSource(Fixtures.reference("llama3-bf16")));
    alone = new Generator(model);
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void mixedLengthPromptsGiveTheirGreedyTokensAlone() {
    // 4 rows for 6 prompts: two wait for a free row and join a running batch; lengths differ so
    // rows finish at different steps, and capacity 30 forces the cache to squeeze out holes
    try (BatchedGenerator g = new BatchedGenerator(model, 4, 30, null)) {
      List<CompletableFuture<Generation>> got = new ArrayList<>();
      for (int i = 0; i < PROMPTS.size(); i++) {
        got.add(g.submit(PROMPTS.get(i), GenerationConfig.greedy(10 + 2 * i), null));
      }
      for (int i = 0; i < PROMPTS.size(); i++) {
        Generation want = alone.generate(PROMPTS.get(i), GenerationConfig.greedy(10 + 2 * i), null);
        assertArrayEquals(want.tokens(), got.get(i).join().tokens(), "prompt " + i);
        assertEquals(FinishReason.LENGTH, got.get(i).join().finishReason());
      }
      assertTrue(g.compactions() > 0, "capacity 30 should have forced a compaction");
    }
  }

  @Test
  void manyPromptsAtOnceArePrefilledInLengthBucketsAndStillMatchAlone() {
    List<int[]> prompts = new ArrayList<>(PROMPTS); // 12 prompts: more than one prefill bucket of 8
    for (int[] p : PROMPTS) {
      int[] longer = Arrays.copyOf(p, p.length + 3);
      longer[p.length] = 42;
      longer[p.length + 1] = 7;
      longer[p.length + 2] = 99;
      prompts.add(longer);
    }
    try (BatchedGenerator g = new BatchedGenerator(model, 12, 64, null)) {
      List<Generation> got = g.generateAll(prompts, GenerationConfig.greedy(8));
      for (int i = 0; i < prompts.size(); i++) {
        assertArrayEquals(
            alone.generate(prompts.get(i), GenerationConfig.greedy(8), null).tokens(),
            got.get(i).tokens(),
            "prompt " + i);
      }
      assertEquals(7, g.decodeSteps(), "all 12 decode together: 1 token from prefill + 7 steps");
    }
  }

  @Test
  void requestArrivingMidRunJoinsTheBatch() throws Exception {
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch started = new CountDownLatch(3);
    try (BatchedGenerator g = new BatchedGenerator(model, 8, 256, null)) {
      CountDownLatch submitted = new CountDownLatch(1);
      CompletableFuture<Generation> first =
          g.submit(
              PROMPTS.get(0),
              GenerationConfig.greedy(40),
              t -> {
                events.add("a");
                started.countDown();
                if (started.getCount() == 0 && events.size() == 3) {
                  try { // hold the batch (the listener runs on its thread) until the late request
                    // is queued
                    submitted.await(60, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }
              });
      assertTrue(started.await(60, TimeUnit.SECONDS));
      CompletableFuture<Generation> late =
          g.submit(PROMPTS.get(2), GenerationConfig.greedy(6), t -> events.add("b"));
      submitted.countDown();
      Generation a = first.get(60, TimeUnit.SECONDS);
      Generation b = late.get(60, TimeUnit.SECONDS);
      assertArrayEquals(
          alone.generate(PROMPTS.get(0), GenerationConfig.greedy(40), null).tokens(), a.tokens());
      assertArrayEquals(
          alone.generate(PROMPTS.get(2), GenerationConfig.greedy(6), null).tokens(), b.tokens());
      // joined, not queued behind: the first request kept emitting after the late one finished
      int lastB = events.lastIndexOf("b");
      assertTrue(
          lastB >= 0 && events.subList(lastB, events.size()).contains("a"), events.toString());
      assertTrue(g.decodeSteps() < 40 + 6, "steps " + g.decodeSteps());
    }
  }

  @Test
  void seededSamplingStopStringsAndEosMatchGeneratingAlone() {
    GenerationConfig sampled = GenerationConfig.greedy(12).withSampling(1.0, 50, 0.95, 11);
    int[] greedy = alone.generate(PROMPTS.get(0), GenerationConfig.greedy(8), null).tokens();
    GenerationConfig stop =
        GenerationConfig.greedy(8).withStopStrings(List.of("<" + greedy[2] + ">"));
    GenerationConfig eos = GenerationConfig.greedy(8).withEos(java.util.Set.of(greedy[3]));
    try (BatchedGenerator g = new BatchedGenerator(model, 4, 128, DECODE)) {
      List<CompletableFuture<Generation>> fs =
          List.of(
              g.submit(PROMPTS.get(0), sampled, null), g.submit(PROMPTS.get(4), sampled, null),
              g.submit(PROMPTS.get(0), stop, null), g.submit(PROMPTS.get(0), eos, null));
      List<GenerationConfig> configs = List.of(sampled, sampled, stop, eos);
      List<int[]> prompts = List.of(PROMPTS.get(0), PROMPTS.get(4), PROMPTS.get(0), PROMPTS.get(0));
      for (int i = 0; i < fs.size(); i++) {
        Generation want = alone.generate(prompts.get(i), configs.get(i), DECODE);
        Generation got = fs.get(i).join();
        assertArrayEquals(want.tokens(), got.tokens(), "request " + i);
        assertEquals(want.finishReason(), got.finishReason(), "request " + i);
        assertEquals(want.text(), got.text(), "request " + i);
      }
      assertEquals(FinishReason.STOP_STRING, fs.get(2).join().finishReason());
      assertEquals(FinishReason.EOS, fs.get(3).join().finishReason());
    }
  }

  @Test
  void cancelledRequestFreesItsRowAndOthersFinish() {
    try (BatchedGenerator g = new BatchedGenerator(model, 1, 300, null)) {
      CompletableFuture<Generation> endless =
          g.submit(PROMPTS.get(1), GenerationConfig.greedy(250), null);
      CompletableFuture<Generation> next =
          g.submit(PROMPTS.get(3), GenerationConfig.greedy(5), null);
      endless.cancel(true);
      assertArrayEquals(
          alone.generate(PROMPTS.get(3), GenerationConfig.greedy(5), null).tokens(),
          next.join().tokens());
    }
  }

  @Test
  void badRequestsNameTheField() {
    try (BatchedGenerator g = new BatchedGenerator(model, 2, 16, null)) {
      assertTrue(
          assertThrows(
                  IllegalArgumentException.class,
                  () -> g.submit(new int[0], GenerationConfig.greedy(2), null))
              .getMessage()
              .startsWith("prompt"));
      int vocab = model.config().vocabSize();
      assertTrue(
          assertThrows(
                  IllegalArgumentException.class,
                  () -> g.submit(new int[] {1, vocab}, GenerationConfig.greedy(2), null))
              .getMessage()
              .startsWith("prompt[1]"));
      assertTrue(
          assertThrows(
                  IllegalArgumentException.class,
                  () -> g.submit(new int[] {1, 2}, GenerationConfig.greedy(15), null))
              .getMessage()
              .startsWith("max_new_tokens"));
      assertTrue(
          assertThrows(
                  IllegalArgumentException.class,
                  () ->
                      g.submit(
                          new int[] {1},
                          GenerationConfig.greedy(2).withStopStrings(List.of("x")),
                          null))
              .getMessage()
              .startsWith("stop"));
      assertEquals(
          0, g.submit(new int[] {1}, GenerationConfig.greedy(0), null).join().tokens().length);
    }
    assertThrows(IllegalArgumentException.class, () -> new BatchedGenerator(model, 0, 16, null));
  }
}
