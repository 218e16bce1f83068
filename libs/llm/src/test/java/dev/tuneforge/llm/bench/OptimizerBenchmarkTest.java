package dev.tuneforge.llm.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tuneforge.llm.config.ModelConfig;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.train.optim.AdamW;
import dev.tuneforge.llm.train.optim.AdamWConfig;
import dev.tuneforge.llm.train.optim.OptimizerPaths;
import dev.tuneforge.llm.train.optim.TrainableParameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * One AdamW step over every parameter of the SmolLM2-135M shape (full fine-tuning), the fused
 * one-pass kernel against the op-by-op path, alternating in one JVM so both see the same machine.
 * Run with {@code mvn -B -pl libs/llm -am verify -Dtests.excluded=none -Dgroups=benchmark
 * -Dtest=OptimizerBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
class OptimizerBenchmarkTest {
  private static final String SMOLLM2_135M =
      """
      {"model_type":"llama","hidden_size":576,"num_hidden_layers":30,"num_attention_heads":9,
       "num_key_value_heads":3,"intermediate_size":1536,"vocab_size":49152,"rms_norm_eps":1e-5,
       "rope_theta":100000,"max_position_embeddings":8192,"tie_word_embeddings":true,
       "bos_token_id":0,"eos_token_id":0,"torch_dtype":"bfloat16"}""";

  @Test
  void adamWStepFor135MParameters() {
    ModelConfig config = ModelConfig.parse(SMOLLM2_135M);
    Engine.getInstance();
    Map<String, long[]> shapes =
        ModelLoader.architecture(config.modelType()).expectedTensors(config);
    try (NDManager m = NDManager.newBaseManager()) {
      double[][] seconds = new double[2][4];
      long count = 0;
      for (int rep = 0; rep < 4; rep++) {
        for (int path = 0; path < 2; path++) { // alternate: the machine's load affects both alike
          List<TrainableParameter> params = new ArrayList<>();
          Map<String, NDArray> grads = new LinkedHashMap<>();
          try (NDManager run = m.newSubManager()) {
            count = 0;
            for (Map.Entry<String, long[]> e : shapes.entrySet()) {
              Shape s = new Shape(e.getValue());
              params.add(
                  new TrainableParameter(
                      e.getKey(),
                      run.randomNormal(0, 0.02f, s, DataType.FLOAT32),
                      !e.getKey().endsWith("norm.weight")));
              grads.put(e.getKey(), run.randomNormal(0, 1e-3f, s, DataType.FLOAT32));
              count += s.size();
            }
            try (AdamW opt = new AdamW(run, params, new AdamWConfig(0.9, 0.999, 1e-8, 0.01))) {
              if (path == 0) {
                OptimizerPaths.useOpsOnly(opt);
              }
              opt.step(1e-4, grads); // first step: moments from zero (and alias discovery)
              long t0 = System.nanoTime();
              opt.step(1e-4, grads);
              seconds[path][rep] = (System.nanoTime() - t0) / 1e9;
            }
          }
        }
      }
      double ops = median(Arrays.copyOfRange(seconds[0], 1, 4));
      double fused = median(Arrays.copyOfRange(seconds[1], 1, 4));
      System.out.printf(
          "%n=== AdamW step, %,d parameters (SmolLM2-135M shape), %d cores ===%n",
          count, Runtime.getRuntime().availableProcessors());
      System.out.printf(
          "op-by-op (libtorch ops)  runs %s s, median %.3f s%n", Arrays.toString(seconds[0]), ops);
      System.out.printf(
          "fused one-pass kernel    runs %s s, median %.3f s  (%.1fx)%n",
          Arrays.toString(seconds[1]), fused, ops / fused);
      System.out.printf("load average after: %s%n", load());
      assertTrue(ops > 0 && fused > 0);
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private static String load() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "n/a";
    }
  }
}
