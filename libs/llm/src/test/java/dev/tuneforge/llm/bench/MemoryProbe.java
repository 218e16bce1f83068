package dev.tuneforge.llm.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tuneforge.llm.config.ModelConfig;
import dev.tuneforge.llm.lora.LoraConfig;
import dev.tuneforge.llm.lora.LoraLinearFactory;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.LayerScopes;
import dev.tuneforge.llm.model.LinearFactory;
import dev.tuneforge.llm.model.LinearLayer;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.model.Placement;
import dev.tuneforge.llm.quant.Nf4LinearFactory;
import dev.tuneforge.llm.train.LossPaths;
import dev.tuneforge.llm.train.TrainableSet;
import dev.tuneforge.llm.train.Trainer;
import dev.tuneforge.llm.train.TrainingConfig;
import dev.tuneforge.llm.train.TrainingListener;
import dev.tuneforge.llm.train.data.BatchPlan;
import dev.tuneforge.llm.train.data.Collator;
import dev.tuneforge.llm.train.data.TokenizedExample;
import dev.tuneforge.llm.train.data.TrainingSequence;
import dev.tuneforge.llm.train.optim.AdamWConfig;
import dev.tuneforge.llm.train.optim.LrSchedule;
import dev.tuneforge.llm.train.optim.TrainableParameter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * One training job in its own JVM, for peak-RSS measurements (a process's peak cannot be reset
 * between configurations in one JVM: freed memory stays with the allocator). Random weights in a
 * real model's shape, the real {@link Trainer}. Prints one {@code PROBE} line of {@code key=value}
 * pairs for {@link MemoryPartsBenchmark}. Arguments, all {@code key=value}: {@code shape}
 * (smollm2-135m, llama-3.2-1b, llama-3.2-3b, llama-3.1-8b), {@code method} (lora, qlora, full),
 * {@code rows} (sft: micro-batches of 448/300/180/90 tokens with the first 60% prompt; 512: one
 * 512-token row of targets), {@code mb}, {@code accum}, {@code steps}, {@code ckpt}, {@code keep}
 * (every intermediate kept, the engine before per-layer scopes), {@code allpos} (logits at every
 * position).
 */
public final class MemoryProbe {
  static final Map<String, String> SHAPES =
      Map.of(
          "smollm2-135m",
          """
          {"model_type":"llama","hidden_size":576,"num_hidden_layers":30,"num_attention_heads":9,
           "num_key_value_heads":3,"intermediate_size":1536,"vocab_size":49152,"rms_norm_eps":1e-5,
           "rope_theta":100000,"max_position_embeddings":8192,"tie_word_embeddings":true,
           "torch_dtype":"bfloat16"}""",
          "llama-3.2-1b",
          """
          {"model_type":"llama","hidden_size":2048,"num_hidden_layers":16,"num_attention_heads":32,
           "num_key_value_heads":8,"intermediate_size":8192,"vocab_size":128256,"rms_norm_eps":1e-5,
           "rope_theta":500000.0,"max_position_embeddings":131072,"tie_word_embeddings":true,
           "head_dim":64,"rope_scaling":{"factor":32.0,"high_freq_factor":4.0,"low_freq_factor":1.0,
           "original_max_position_embeddings":8192,"rope_type":"llama3"},"torch_dtype":"bfloat16"}""",
          "llama-3.2-3b",
          """
          {"model_type":"llama","hidden_size":3072,"num_hidden_layers":28,"num_attention_heads":24,
           "num_key_value_heads":8,"intermediate_size":8192,"vocab_size":128256,"rms_norm_eps":1e-5,
           "rope_theta":500000.0,"max_position_embeddings":131072,"tie_word_embeddings":true,
           "head_dim":128,"rope_scaling":{"factor":32.0,"high_freq_factor":4.0,"low_freq_factor":1.0,
           "original_max_position_embeddings":8192,"rope_type":"llama3"},"torch_dtype":"bfloat16"}""",
          "llama-3.1-8b",
          """
          {"model_type":"llama","hidden_size":4096,"num_hidden_layers":32,"num_attention_heads":32,
           "num_key_value_heads":8,"intermediate_size":14336,"vocab_size":128256,"rms_norm_eps":1e-5,
           "rope_theta":500000.0,"max_position_embeddings":131072,"tie_word_embeddings":false,
           "head_dim":128,"rope_scaling":{"factor":8.0,"high_freq_factor":4.0,"low_freq_factor":1.0,
           "original_max_position_embeddings":8192,"rope_type":"llama3"},"torch_dtype":"bfloat16"}""");

  private MemoryProbe() {}

  public static void main(String[] args) throws IOException {
    Map<String, String> a = new LinkedHashMap<>();
    for (String s : args) {
      a.put(s.substring(0, s.indexOf('=')), s.substring(s.indexOf('=') + 1));
    }
    String shape = a.getOrDefault("shape", "smollm2-135m");
    String method = a.getOrDefault("method", "lora");
    int mb = Integer.parseInt(a.getOrDefault("mb", "4"));
    int accum = Integer.parseInt(a.getOrDefault("accum", "2"));
    int steps = Integer.parseInt(a.getOrDefault("steps", "2"));
    boolean ckpt = Boolean.parseBoolean(a.getOrDefault("ckpt", "false"));
    LayerScopes.keepIntermediates(Boolean.parseBoolean(a.getOrDefault("keep", "false")));
    LossPaths.allPositions(Boolean.parseBoolean(a.getOrDefault("allpos", "false")));
    ModelConfig config = ModelConfig.parse(SHAPES.get(shape));
    Engine.getInstance();
    long rssStart = kib("VmRSS");
    Map<String, long[]> shapes =
        ModelLoader.architecture(config.modelType()).expectedTensors(config);
    try (NDManager manager = NDManager.newBaseManager(Placement.device())) {
      Function<String, NDArray> weights =
          name -> {
            long[] s = shapes.get(name);
            return name.endsWith("norm.weight")
                ? manager.ones(new Shape(s))
                : manager.randomNormal(
                    0, (float) (0.5 / Math.sqrt(s[s.length - 1])), new Shape(s), DataType.FLOAT32);
          };
      LoraConfig loraConfig =
          new LoraConfig(16, 32, 0.05, List.of(LoraConfig.ALL_LINEAR), false, 1);
      Nf4LinearFactory nf4 = method.equals("qlora") ? new Nf4LinearFactory() : null;
      LoraLinearFactory lora =
          switch (method) {
            case "lora" -> LoraLinearFactory.fresh(loraConfig);
            case "qlora" -> LoraLinearFactory.fresh(loraConfig, nf4);
            default -> null;
          };
      LinearFactory linears =
          lora == null
              ? LinearFactory.plain()
              : (name, w, b) -> {
                LinearLayer layer = lora.create(name, w, b);
                if (nf4 != null && Nf4LinearFactory.quantizes(name)) {
                  w.close(); // the float32 original: NF4 codes replace it, as loading does
                }
                return layer;
              };
      CausalLM model =
          CausalLM.build(
              config,
              ModelLoader.architecture(config.modelType()),
              weights,
              linears,
              manager,
              "float32");
      long floatBytes = 0;
      for (NDArray p : model.parameters().values()) {
        if (p.getDataType() == DataType.FLOAT32) {
          floatBytes += p.size() * 4;
        }
      }
      TrainableSet set =
          lora == null
              ? TrainableSet.full()
              : m ->
                  lora.trainableParameters().entrySet().stream()
                      .map(e -> new TrainableParameter(e.getKey(), e.getValue(), true))
                      .toList();
      long trainable = set.select(model).stream().mapToLong(p -> p.value().size()).sum();
      BatchPlan plan =
          new BatchPlan(
              rows(a.getOrDefault("rows", "sft"), mb * accum * steps, config.vocabSize()),
              mb,
              1,
              false,
              false,
              new Collator(0, 0));
      Path out = Files.createTempDirectory("memory-probe");
      TrainingConfig tc =
          new TrainingConfig(
              accum,
              1,
              steps,
              2e-4,
              LrSchedule.Kind.CONSTANT,
              null,
              null,
              AdamWConfig.DEFAULTS,
              1.0,
              0,
              0,
              0,
              0,
              out,
              ckpt);
      Trainer trainer = new Trainer(model, set, (m, dir) -> {}, plan, null, tc, null, 1);
      if (lora != null) {
        trainer = trainer.withRandomLayers(lora);
      }
      System.gc();
      long rssModel = kib("VmRSS");
      resetPeak(); // the peak of building (float32 originals before NF4) is not the training's
      List<Double> seconds = new ArrayList<>();
      long[] last = {System.nanoTime()};
      TrainingListener listener =
          r -> {
            long now = System.nanoTime();
            seconds.add((now - last[0]) / 1e9);
            last[0] = now;
          };
      trainer.run(listener, false);
      long peak = kib("VmHWM");
      long rssEnd = kib("VmRSS");
      StringBuilder line = new StringBuilder("PROBE");
      Map<String, Object> f = new LinkedHashMap<>(a);
      f.put("device", manager.getDevice());
      f.put("dtype", Placement.COMPUTE);
      f.put("params", model.parameterCount());
      f.put("trainable", trainable);
      f.put("nf4Params", nf4 == null ? 0 : nf4.parameters());
      f.put("nf4Bytes", nf4 == null ? 0 : nf4.residentBytes());
      f.put("floatBytes", floatBytes);
      f.put("rssStartKiB", rssStart);
      f.put("rssModelKiB", rssModel);
      f.put("peakKiB", peak);
      f.put("rssEndKiB", rssEnd);
      f.put(
          "stepSeconds",
          String.join(
              ",", seconds.stream().map(s -> String.format(Locale.ROOT, "%.2f", s)).toList()));
      f.put("load", Files.readString(Path.of("/proc/loadavg")).trim().replace(' ', '_'));
      f.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
      System.out.println(line);
      model.close();
    }
  }

  /**
   * Rows of the SFT benchmark's kind (long-tailed lengths, loss on the assistant part only) or
   * fixed 512-token rows of targets.
   */
  static List<TrainingSequence> rows(String kind, int n, int vocab) {
    Random r = new Random(5);
    int[] lengths = kind.equals("512") ? new int[] {512} : new int[] {448, 300, 180, 90};
    List<TrainingSequence> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int len = lengths[i % lengths.length];
      int prompt = kind.equals("512") ? 1 : (int) (len * 0.6);
      int[] ids = new int[len];
      int[] labels = new int[len];
      for (int j = 0; j < len; j++) {
        ids[j] = r.nextInt(vocab);
        labels[j] = j < prompt ? TokenizedExample.IGNORE : ids[j];
      }
      out.add(TrainingSequence.of(new TokenizedExample(ids, labels, false)));
    }
    return out;
  }

  private static long kib(String field) throws IOException {
    for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (l.startsWith(field + ":")) {
        return Long.parseLong(l.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  /** Resets VmHWM to the current RSS (Linux ≥ 4.0: "5" to clear_refs). */
  private static void resetPeak() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    } catch (IOException e) {
      System.out.println("cannot reset the peak RSS: " + e.getMessage());
    }
  }
}
