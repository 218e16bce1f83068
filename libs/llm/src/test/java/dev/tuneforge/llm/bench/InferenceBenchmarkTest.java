package dev.tuneforge.llm.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.tuneforge.llm.config.ModelConfig;
import dev.tuneforge.llm.generate.Sampler;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.KvCache;
import dev.tuneforge.llm.model.LinearFactory;
import dev.tuneforge.llm.model.Masks;
import dev.tuneforge.llm.model.ModelLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Engine I throughput on a random model shaped like SmolLM2-135M: prefill tokens/s at 512 tokens,
 * greedy decode tokens/s with the preallocated KV cache, peak memory, and the fp32 GEMM rate of the
 * same JVM for scale. Excluded from default runs; run with {@code mvn -B -pl libs/llm -am test
 * -Dtests.excluded=none -Dgroups=benchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
class InferenceBenchmarkTest {
  private static final String SMOLLM2_135M =
      """
      {"model_type":"llama","hidden_size":576,"num_hidden_layers":30,"num_attention_heads":9,
       "num_key_value_heads":3,"intermediate_size":1536,"vocab_size":49152,"rms_norm_eps":1e-5,
       "rope_theta":100000,"max_position_embeddings":8192,"tie_word_embeddings":true,
       "bos_token_id":0,"eos_token_id":0,"torch_dtype":"bfloat16"}""";

  @Test
  void smolLm2Shaped() throws IOException {
    ModelConfig config = ModelConfig.parse(SMOLLM2_135M);
    Engine.getInstance();
    NDManager manager = NDManager.newBaseManager();
    Map<String, long[]> shapes =
        ModelLoader.architecture(config.modelType()).expectedTensors(config);
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
      Runtime rt = Runtime.getRuntime();
      System.out.printf(
          "%n=== Engine I inference benchmark (SmolLM2-135M shape, random fp32 weights) ===%n");
      System.out.printf(
          "parameters            %,d; cores %d%n",
          model.parameterCount(), rt.availableProcessors());
      // Other builds share this machine: with an oversubscribed CPU two OpenMP threads can be far
      // slower than one (barriers wait for descheduled threads), so both settings are measured.
      int[] threadCounts =
          rt.availableProcessors() > 1 ? new int[] {1, rt.availableProcessors()} : new int[] {1};
      for (int threads : threadCounts) {
        JniUtils.setNumThreads(threads);
        measure(model, config, threads);
      }
      String status = Files.readString(Path.of("/proc/self/status"));
      System.out.printf(
          "peak RSS (VmHWM)      %s (whole JVM: weights, activations, libtorch, heap)%n",
          field(status, "VmHWM"));
      System.out.printf("RSS at end (VmRSS)    %s%n", field(status, "VmRSS"));
      System.out.printf(
          "Java heap used        %.0f MiB of max %.0f MiB%n",
          (rt.totalMemory() - rt.freeMemory()) / 1048576.0, rt.maxMemory() / 1048576.0);
    }
  }

  private static void measure(CausalLM model, ModelConfig config, int threads) throws IOException {
    double gemm = gemmGflops();
    Random r = new Random(1);
    int prefillLen = 512;
    long[] prompt = new long[prefillLen];
    for (int i = 0; i < prefillLen; i++) {
      prompt[i] = r.nextInt(config.vocabSize());
    }
    // Prefill: one forward over 512 tokens, logits for the last position (what generation does).
    double[] prefillSeconds = new double[3];
    for (int rep = 0; rep < prefillSeconds.length; rep++) {
      try (KvCache cache = new KvCache(model.manager(), config, 1, prefillLen + 1);
          NDManager step = model.newStepManager()) {
        long t0 = System.nanoTime();
        prefill(model, step, cache, prompt);
        prefillSeconds[rep] = (System.nanoTime() - t0) / 1e9;
      }
    }
    double prefillBest =
        Arrays.stream(prefillSeconds).skip(1).min().orElseThrow(); // rep 0 warms up

    // Decode: 128-token prompt, then greedy steps with the cache.
    int promptLen = 128;
    int steps = 64;
    long[] shortPrompt = Arrays.copyOf(prompt, promptLen);
    double decodeSeconds;
    try (KvCache cache = new KvCache(model.manager(), config, 1, promptLen + steps + 1)) {
      float[] logits;
      try (NDManager step = model.newStepManager()) {
        logits = prefill(model, step, cache, shortPrompt);
      }
      boolean[][] valid = new boolean[1][promptLen + steps + 1];
      Arrays.fill(valid[0], 0, promptLen, true);
      long t0 = System.nanoTime();
      for (int n = 0; n < steps; n++) {
        int token = Sampler.argmax(logits, 0, config.vocabSize());
        int slot = cache.length();
        valid[0][slot] = true;
        try (NDManager step = model.newStepManager()) {
          NDArray bias = Masks.bias(step, valid, 1, slot + 1, null);
          logits =
              model
                  .forward(
                      step,
                      Masks.longs(step, new long[][] {{token}}),
                      Masks.longs(step, new long[][] {{slot}}),
                      bias,
                      cache,
                      true)
                  .toFloatArray();
        }
      }
      decodeSeconds = (System.nanoTime() - t0) / 1e9;
    }
    double prefillTps = prefillLen / prefillBest;
    double decodeTps = steps / decodeSeconds;
    double modelGflop = 2.0 * model.parameterCount() / 1e9; // per token, matmul-dominated
    String load = Files.readString(Path.of("/proc/loadavg")).trim();
    System.out.printf(
        "--- libtorch threads %d (load average after: %s)%n", JniUtils.getNumThreads(), load);
    System.out.printf("fp32 GEMM 1024^3      %.1f GFLOP/s%n", gemm);
    System.out.printf(
        "prefill 512 tokens    runs %s s -> %.1f tokens/s (best after warm-up), ~%.1f GFLOP/s%n",
        Arrays.toString(
            Arrays.stream(prefillSeconds).map(x -> Math.round(x * 1000) / 1000.0).toArray()),
        prefillTps,
        prefillTps * modelGflop);
    System.out.printf(
        "decode (KV cache)     %d tokens after a %d-token prompt in %.3f s -> %.1f tokens/s%n",
        steps, promptLen, decodeSeconds, decodeTps);
    assertTrue(prefillTps > 0 && decodeTps > 0);
  }

  private static float[] prefill(CausalLM model, NDManager step, KvCache cache, long[] prompt) {
    boolean[][] valid = new boolean[1][cache.capacity()];
    Arrays.fill(valid[0], 0, prompt.length, true);
    long[] pos = new long[prompt.length];
    for (int i = 0; i < pos.length; i++) {
      pos[i] = i;
    }
    NDArray bias = Masks.bias(step, valid, prompt.length, prompt.length, null);
    return model
        .forward(
            step,
            Masks.longs(step, new long[][] {prompt}),
            Masks.longs(step, new long[][] {pos}),
            bias,
            cache,
            true)
        .toFloatArray();
  }

  private static double gemmGflops() {
    int n = 1024;
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.randomNormal(new Shape(n, n));
      NDArray b = m.randomNormal(new Shape(n, n));
      a.matMul(b).close(); // warm-up
      int reps = 10;
      long t0 = System.nanoTime();
      for (int i = 0; i < reps; i++) {
        a.matMul(b).close();
      }
      double s = (System.nanoTime() - t0) / 1e9;
      return 2.0 * n * n * n * reps / s / 1e9;
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static String field(String status, String key) {
    return status
        .lines()
        .filter(l -> l.startsWith(key + ":"))
        .map(l -> l.substring(key.length() + 1).trim())
        .findFirst()
        .orElse("n/a");
  }
}
