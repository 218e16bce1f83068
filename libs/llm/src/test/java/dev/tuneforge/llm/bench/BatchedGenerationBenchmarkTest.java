package dev.tuneforge.llm.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tuneforge.llm.config.ModelConfig;
import dev.tuneforge.llm.generate.BatchedGenerator;
import dev.tuneforge.llm.generate.Generation;
import dev.tuneforge.llm.generate.GenerationConfig;
import dev.tuneforge.llm.generate.Generator;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.LinearFactory;
import dev.tuneforge.llm.model.ModelLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Generated tokens per second on the SmolLM2-135M shape (random fp32 weights): prompts one at a
 * time (batch 1) against 32 prompts of mixed length (16–128 tokens) through the continuous-batching
 * {@link BatchedGenerator}, end to end (prefill included), greedy, in one JVM. Also checks that the
 * batched greedy ids of the first prompts equal their batch-1 ids. Run with {@code mvn -B -pl
 * libs/llm -am verify -Dtests.excluded=none -Dgroups=benchmark
 * -Dtest=BatchedGenerationBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false} ({@code
 * -Dbench.newTokens=N}, default 32).
 */
@Tag("benchmark")
class BatchedGenerationBenchmarkTest {
  private static final String SMOLLM2_135M =
      """
      {"model_type":"llama","hidden_size":576,"num_hidden_layers":30,"num_attention_heads":9,
       "num_key_value_heads":3,"intermediate_size":1536,"vocab_size":49152,"rms_norm_eps":1e-5,
       "rope_theta":100000,"max_position_embeddings":8192,"tie_word_embeddings":true,
       "bos_token_id":0,"eos_token_id":0,"torch_dtype":"bfloat16"}""";

  @Test
  void batchOneAgainstThirtyTwo() {
    int newTokens = Integer.getInteger("bench.newTokens", 64);
    ModelConfig config = ModelConfig.parse(SMOLLM2_135M);
    Engine.getInstance();
    NDManager manager = NDManager.newBaseManager();
    Map<String, long[]> shapes =
        ModelLoader.architecture(config.modelType()).expectedTensors(config);
    ai.djl.engine.Engine.getInstance().setRandomSeed(5);
    try (CausalLM model =
        CausalLM.build(
            config,
            ModelLoader.architecture(config.modelType()),
            name -> {
              long[] s = shapes.get(name);
              return name.endsWith("norm.weight")
                  ? manager.ones(new Shape(s))
                  : manager.randomNormal(
                      0, (float) (1 / Math.sqrt(s[1])), new Shape(s), DataType.FLOAT32);
            },
            LinearFactory.plain(),
            manager,
            "float32")) {
      Random r = new Random(3);
      List<int[]> prompts = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        int[] p = new int[16 + r.nextInt(113)];
        for (int j = 0; j < p.length; j++) {
          p[j] = r.nextInt(config.vocabSize());
        }
        prompts.add(p);
      }
      GenerationConfig greedy = GenerationConfig.greedy(newTokens);
      Generator alone = new Generator(model);
      alone.generate(prompts.get(0), GenerationConfig.greedy(4), null); // warm-up
      int singles = 4;
      List<int[]> singleIds = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int i = 0; i < singles; i++) {
        singleIds.add(alone.generate(prompts.get(i), greedy, null).tokens());
      }
      double batchOne = singles * newTokens / ((System.nanoTime() - t0) / 1e9);
      String loadAfterOne = load();

      double decodeOne;
      try (BatchedGenerator g = new BatchedGenerator(model, 1, 128 + newTokens + 8, null)) {
        for (int i = 0; i < singles; i++) {
          g.generateAll(List.of(prompts.get(i)), greedy);
        }
        decodeOne = g.decodeTokensPerSecond();
      }
      double batched;
      double decodeBatched;
      List<Generation> out;
      int steps;
      // room for every prompt's full length twice over: holes from prefill spans rarely force waits
      try (BatchedGenerator g = new BatchedGenerator(model, 32, 2 * (128 + newTokens), null)) {
        g.generateAll(List.of(prompts.get(0)), GenerationConfig.greedy(4)); // warm-up
        long t1 = System.nanoTime();
        out = g.generateAll(prompts, greedy);
        batched = 32 * newTokens / ((System.nanoTime() - t1) / 1e9);
        steps = g.decodeSteps();
        decodeBatched = g.decodeTokensPerSecond();
      }
      System.out.printf(
          "%n=== Batched generation (SmolLM2-135M shape, random fp32), %d new tokens each, %d cores ===%n",
          newTokens, Runtime.getRuntime().availableProcessors());
      System.out.printf(
          "batch 1 (Generator, %d prompts in turn)         end to end %.1f generated tokens/s (load after: %s)%n",
          singles, batchOne, loadAfterOne);
      System.out.printf(
          "batch 1 (BatchedGenerator, same prompts)        decode steps only %.1f tokens/s%n",
          decodeOne);
      System.out.printf(
          "batch 32 (BatchedGenerator, 32 prompts 16-128)  end to end %.1f generated tokens/s, decode steps only %.1f tokens/s, %d decode steps (load after: %s)%n",
          batched, decodeBatched, steps, load());
      System.out.printf(
          "ratio batch 32 / batch 1: end to end %.1fx, decode steps %.1fx%n",
          batched / batchOne, decodeBatched / decodeOne);
      for (int i = 0; i < singles; i++) {
        assertArrayEquals(
            singleIds.get(i), out.get(i).tokens(), "prompt " + i + " batched vs alone");
      }
      assertTrue(batched > 0 && batchOne > 0);
    }
  }

  private static String load() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "n/a";
    }
  }
}
