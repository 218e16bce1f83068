package dev.tuneforge.llm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.tuneforge.llm.config.ModelConfig;
import dev.tuneforge.llm.lora.LoraConfig;
import dev.tuneforge.llm.lora.LoraLinearFactory;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.LinearFactory;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.quant.Nf4LinearFactory;
import dev.tuneforge.llm.train.TrainableSet;
import dev.tuneforge.llm.train.Trainer;
import dev.tuneforge.llm.train.TrainingConfig;
import dev.tuneforge.llm.train.TrainingListener;
import dev.tuneforge.llm.train.data.BatchPlan;
import dev.tuneforge.llm.train.data.Collator;
import dev.tuneforge.llm.train.data.TokenizedExample;
import dev.tuneforge.llm.train.data.TrainingSequence;
import dev.tuneforge.llm.train.optim.TrainableParameter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Engine II training throughput on a random model shaped like SmolLM2-135M, one sequence of 512
 * tokens per step: LoRA (r=16 on all linear layers), QLoRA (the same over an NF4 base) and full
 * fine-tuning through the real {@link Trainer} (forward, backward, global-norm clipping, AdamW),
 * each beside fp32 GEMMs of the model's own sizes timed in the same JVM. The peer (transformers +
 * PEFT, {@code ../shared/bench/peft_peer.py}) is run separately, right before, with the same
 * shapes.
 *
 * <p>Excluded from default runs; run with {@code mvn -B -pl libs/llm -am test -Dtests.excluded=none
 * -Dgroups=benchmark -Dtest=TrainingBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dllm.test.threads=2}; {@code -Dbench.methods=LORA,QLORA} picks methods, {@code
 * -Dbench.checkpointing=true} turns on gradient checkpointing.
 */
@Tag("benchmark")
class TrainingBenchmarkTest {
  static final String SMOLLM2_135M =
      """
      {"model_type":"llama","hidden_size":576,"num_hidden_layers":30,"num_attention_heads":9,
       "num_key_value_heads":3,"intermediate_size":1536,"vocab_size":49152,"rms_norm_eps":1e-5,
       "rope_theta":100000,"max_position_embeddings":8192,"tie_word_embeddings":true,
       "bos_token_id":0,"eos_token_id":0,"torch_dtype":"bfloat16"}""";
  private static final int SEQ = 512;
  private static final int WARMUP_STEPS = 3;
  private static final int TIMED_STEPS = 8;

  @TempDir Path out;

  /** What one run trains. */
  enum Method {
    LORA,
    QLORA,
    FULL
  }

  @Test
  void smolLm2Shaped() throws IOException {
    ModelConfig config = ModelConfig.parse(SMOLLM2_135M);
    Engine.getInstance();
    int threads = Integer.getInteger("bench.threads", Runtime.getRuntime().availableProcessors());
    JniUtils.setNumThreads(threads);
    System.out.printf(
        "%n=== Engine II training benchmark (SmolLM2-135M shape, random fp32 weights, 1 x %d tokens) ===%n",
        SEQ);
    System.out.printf(
        "libtorch threads %d; gradient checkpointing %s; load average at start %s%n",
        JniUtils.getNumThreads(), Boolean.getBoolean("bench.checkpointing"), loadAverage());
    Gemm gemm = Gemm.measure(config, SEQ);
    System.out.printf("fp32 GEMM %s%n", gemm);
    for (String name : System.getProperty("bench.methods", "LORA,QLORA,FULL").split(",")) {
      measure(config, Method.valueOf(name.trim()), gemm);
    }
    System.out.printf("fp32 GEMM again %s%n", Gemm.measure(config, SEQ));
    System.out.printf(
        "peak RSS (VmHWM) %s; load average at end %s%n", status("VmHWM"), loadAverage());
  }

  /**
   * Leaks over many steps: the live NDArrays of the model's manager (recursively: parameters,
   * optimizer moments, anything a step forgot to free) and of the engine's system manager must be
   * the same at step 100 and step 1,000; RSS is printed beside them. A small model keeps 1,000
   * steps short.
   */
  @Test
  void memoryFlatOverThousandSteps() throws IOException {
    ModelConfig config =
        ModelConfig.parse(
            """
        {"model_type":"llama","hidden_size":576,"num_hidden_layers":2,"num_attention_heads":9,
         "num_key_value_heads":3,"intermediate_size":1536,"vocab_size":4096,"rms_norm_eps":1e-5,
         "rope_theta":100000,"max_position_embeddings":512,"tie_word_embeddings":true,"torch_dtype":"float32"}""");
    Engine.getInstance();
    NDManager system = NDManager.newBaseManager().getParentManager();
    for (String name : System.getProperty("bench.methods", "LORA,QLORA,FULL").split(",")) {
      Method method = Method.valueOf(name.trim());
      List<long[]> samples = new ArrayList<>(); // {step, VmRSS KiB, model arrays, system arrays}
      try (NDManager manager = NDManager.newBaseManager()) {
        TrainingListener listener =
            r -> {
              if (r.step() == 1 || r.step() % 100 == 0) {
                samples.add(
                    new long[] {
                      r.step(),
                      kib(status("VmRSS")),
                      manager.getManagedArrays().size(),
                      system.getManagedArrays().size()
                    });
              }
            };
        Run run = Run.build(config, method, manager, 128, 1000, out.resolve("mem-" + method));
        run.trainer().run(listener, false);
      }
      long[] at100 = samples.stream().filter(s -> s[0] == 100).findFirst().orElseThrow();
      long[] at1000 = samples.get(samples.size() - 1);
      System.out.printf(
          "%s 1,000 steps (hidden 576, 2 layers, vocab 4096, 128 tokens): step:VmRSS MiB/live arrays %s%n",
          method, samples.stream().map(s -> s[0] + ":" + s[1] / 1024 + "/" + s[2]).toList());
      System.out.printf(
          "%s RSS step 100 -> 1000: %+.1f MiB; live arrays (model, system) %d, %d -> %d, %d%n",
          method, (at1000[1] - at100[1]) / 1024.0, at100[2], at100[3], at1000[2], at1000[3]);
      assertEquals(at100[2], at1000[2], method + ": arrays on the model's manager grew");
      assertEquals(at100[3], at1000[3], method + ": arrays on the system manager grew");
    }
  }

  private void measure(ModelConfig config, Method method, Gemm gemm) throws IOException {
    try (NDManager manager = NDManager.newBaseManager()) {
      Run run =
          Run.build(
              config, method, manager, SEQ, WARMUP_STEPS + TIMED_STEPS, out.resolve(method.name()));
      List<Double> stepSeconds = new ArrayList<>();
      long[] last = {System.nanoTime()};
      run.trainer()
          .run(
              r -> {
                long now = System.nanoTime();
                if (r.step() > WARMUP_STEPS) {
                  stepSeconds.add((now - last[0]) / 1e9);
                }
                last[0] = now;
              },
              false);
      double median = median(stepSeconds);
      double tps = SEQ / median;
      double flopsPerToken = flopsPerToken(config, method, run.loraParams());
      double gflops = tps * flopsPerToken / 1e9;
      System.out.printf("--- %s: %,d trainable parameters%n", method, run.trainable());
      if (run.nf4() != null) {
        System.out.printf("%s%n", run.nf4().summary());
      }
      System.out.printf(
          "step seconds %s -> median %.3f s, %.1f tokens/s, %.1f GFLOP/s of model FLOPs "
              + "(%.2f GFLOP/token) = %.0f%% of the matching-GEMM rate%n",
          stepSeconds.stream().map(s -> Math.round(s * 1000) / 1000.0).toList(),
          median,
          tps,
          gflops,
          flopsPerToken / 1e9,
          100 * gflops / gemm.weighted());
      assertTrue(tps > 0);
    }
  }

  /**
   * Model FLOPs per trained token (PaLM's convention, as MFU is usually stated): forward 2 per
   * matmul weight, backward 2 more for the input gradient and, where the weight trains, 2 for its
   * gradient; attention scores and values 4·layers·hidden·seq forward, twice that backward. The
   * embedding gather is not a matmul; the tied lm_head is.
   */
  static double flopsPerToken(ModelConfig c, Method method, long loraParams) {
    double matmul = linearParams(c) + (double) c.vocabSize() * c.hiddenSize();
    double attention = 4.0 * c.numLayers() * c.hiddenSize() * SEQ;
    return switch (method) {
      case FULL -> 6 * matmul + 3 * attention;
      // frozen weights need no weight gradient; the adapters (tiny) do
      case LORA, QLORA -> 4 * matmul + 6.0 * loraParams + 3 * attention;
    };
  }

  /** Weights of the q/k/v/o and MLP projections of all layers. */
  static double linearParams(ModelConfig c) {
    long h = c.hiddenSize();
    long perLayer = h * c.qDim() * 2L + h * c.kvDim() * 2L + 3L * h * c.intermediateSize();
    return (double) perLayer * c.numLayers();
  }

  /** A model, its trainable set and a one-row plan of random tokens. */
  record Run(Trainer trainer, long trainable, long loraParams, Nf4LinearFactory nf4) {
    static Run build(
        ModelConfig config, Method method, NDManager manager, int seq, int steps, Path out) {
      Map<String, long[]> shapes =
          ModelLoader.architecture(config.modelType()).expectedTensors(config);
      Random init = new Random(7);
      Function<String, NDArray> weights =
          name -> {
            long[] s = shapes.get(name);
            return name.endsWith("norm.weight")
                ? manager.ones(new Shape(s))
                : manager.randomNormal(
                    0, (float) (0.5 / Math.sqrt(s[s.length - 1])), new Shape(s), DataType.FLOAT32);
          };
      LoraConfig loraConfig = new LoraConfig(16, 32, 0.0, List.of(LoraConfig.ALL_LINEAR), false, 1);
      Nf4LinearFactory nf4 = method == Method.QLORA ? new Nf4LinearFactory() : null;
      LoraLinearFactory lora =
          switch (method) {
            case LORA -> LoraLinearFactory.fresh(loraConfig);
            case QLORA -> LoraLinearFactory.fresh(loraConfig, nf4);
            case FULL -> null;
          };
      CausalLM model =
          CausalLM.build(
              config,
              ModelLoader.architecture(config.modelType()),
              weights,
              lora == null ? LinearFactory.plain() : lora,
              manager,
              "float32");
      TrainableSet set;
      if (lora != null) {
        set =
            m ->
                lora.trainableParameters().entrySet().stream()
                    .map(e -> new TrainableParameter(e.getKey(), e.getValue(), true))
                    .toList();
      } else {
        set = TrainableSet.full();
      }
      long trainable = set.select(model).stream().mapToLong(p -> p.value().size()).sum();
      int[] ids = new int[seq];
      int[] labels = new int[seq];
      for (int i = 0; i < seq; i++) {
        ids[i] = init.nextInt(config.vocabSize());
        labels[i] = i == 0 ? TokenizedExample.IGNORE : ids[i];
      }
      BatchPlan plan =
          new BatchPlan(
              List.of(TrainingSequence.of(new TokenizedExample(ids, labels, false))),
              1,
              1,
              false,
              false,
              new Collator(0, 0));
      // no checkpoints and no output: the timed steps are forward, backward, clipping and AdamW
      // only
      TrainingConfig tc =
          TrainingConfig.simple(1, steps, 1e-4, out)
              .withGradientCheckpointing(Boolean.getBoolean("bench.checkpointing"));
      Trainer trainer = new Trainer(model, set, (m, dir) -> {}, plan, null, tc, null, 1);
      if (lora != null) {
        trainer = trainer.withRandomLayers(lora);
      }
      return new Run(trainer, trainable, lora == null ? 0 : trainable, nf4);
    }
  }

  /** fp32 GEMMs of the model's shapes at {@code seq} rows, and their FLOP-weighted rate. */
  record Gemm(double mlp, double attnQ, double lmHead, double weighted) {
    static Gemm measure(ModelConfig c, int seq) {
      long h = c.hiddenSize();
      double mlp = rate(seq, h, c.intermediateSize());
      double q = rate(seq, h, h);
      double lm = rate(seq, h, c.vocabSize());
      // weight each shape by its share of the matmul FLOPs (k/v/o counted at the q rate)
      double wMlp = 3.0 * h * c.intermediateSize() * c.numLayers();
      double wQ = linearParams(c) - wMlp;
      double wLm = (double) h * c.vocabSize();
      double weighted = (wMlp + wQ + wLm) / (wMlp / mlp + wQ / q + wLm / lm);
      return new Gemm(mlp, q, lm, weighted);
    }

    private static double rate(long m, long k, long n) {
      try (NDManager mm = NDManager.newBaseManager()) {
        NDArray a = mm.randomNormal(new Shape(m, k));
        NDArray b = mm.randomNormal(new Shape(k, n));
        a.matMul(b).close();
        double flops = 2.0 * m * k * n;
        int reps = (int) Math.max(5, Math.min(200, 2e10 / flops));
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
          a.matMul(b).close();
        }
        return flops * reps / ((System.nanoTime() - t0) / 1e9) / 1e9;
      }
    }

    @Override
    public String toString() {
      return String.format(
          "[512x576]x[576x1536] %.1f, [512x576]x[576x576] %.1f, [512x576]x[576x49152] %.1f "
              + "-> FLOP-weighted %.1f GFLOP/s",
          mlp, attnQ, lmHead, weighted);
    }
  }

  private static double median(List<Double> v) {
    double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "n/a";
    }
  }

  private static String status(String key) {
    try {
      return Files.readString(Path.of("/proc/self/status"))
          .lines()
          .filter(l -> l.startsWith(key + ":"))
          .map(l -> l.substring(key.length() + 1).trim())
          .findFirst()
          .orElse("n/a");
    } catch (IOException e) {
      return "n/a";
    }
  }

  private static long kib(String field) {
    return Long.parseLong(field.replace("kB", "").trim());
  }
}
