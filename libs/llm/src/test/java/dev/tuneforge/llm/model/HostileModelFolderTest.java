package dev.tuneforge.llm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.llm.Fixtures;
import dev.tuneforge.llm.RandomCheckpoints;
import dev.tuneforge.llm.config.ModelConfig;
import dev.tuneforge.llm.generate.GenerationConfig;
import dev.tuneforge.llm.generate.Generator;
import dev.tuneforge.llm.peft.AdapterLoader;
import dev.tuneforge.llm.peft.PeftAdapter;
import dev.tuneforge.llm.peft.PeftFixtures;
import dev.tuneforge.llm.safetensors.DType;
import dev.tuneforge.llm.safetensors.FloatTensor;
import dev.tuneforge.llm.safetensors.SafetensorsFile;
import dev.tuneforge.llm.safetensors.SafetensorsWriter;
import dev.tuneforge.llm.safetensors.TensorInfo;
import dev.tuneforge.llm.score.Scorer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model folders someone else wrote: a config that promises more memory than the machine has,
 * weights and adapters holding NaN, mismatches by the thousand. Each is refused (or warned about)
 * naming the field or tensor, before anything large is allocated.
 */
class HostileModelFolderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  /** Resident set size of this process from /proc/self/status, in bytes. */
  private static long rss() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.split("\\s+")[1]) * 1024;
      }
    }
    throw new IllegalStateException("no VmRSS");
  }

  private static long heapUsed() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  @Test
  void aConfigClaimingTrillionsOfParametersIsRefusedWithBothFiguresBeforeAnyAllocation()
      throws IOException {
    ObjectNode c = RandomCheckpoints.tinyConfig("llama");
    c.put("hidden_size", 32768);
    c.put("intermediate_size", 131072);
    c.put("num_hidden_layers", 256);
    c.put("num_attention_heads", 256);
    c.put("num_key_value_heads", 8);
    c.put("vocab_size", 128000);
    Files.writeString(dir.resolve("config.json"), c.toString());
    // a tiny checkpoint: had the loader read it first, the error would be a tensor mismatch
    SafetensorsWriter.write(
        dir.resolve("model.safetensors"),
        Map.of("x", new FloatTensor(new long[] {2}, new float[] {1, 2})),
        DType.F32);

    long rssBefore = rss();
    long heapBefore = heapUsed();
    long t0 = System.nanoTime();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ModelLoader.load(new LocalModelSource(dir)).close());
    double seconds = (System.nanoTime() - t0) / 1e9;
    long rssGrowth = rss() - rssBefore;
    long heapGrowth = heapUsed() - heapBefore;
    System.out.printf(
        "10^12-parameter config refused in %.3f s; RSS +%d KiB, heap +%d KiB: %s%n",
        seconds, rssGrowth / 1024, heapGrowth / 1024, e.getMessage());

    String m = e.getMessage();
    assertTrue(m.contains("needs about") && m.contains("TiB"), m); // the model's figure
    long d = 32768;
    long perLayer =
        2 * d * d + 2 * (8 * 128) * d + 3 * 131072 * d + 2 * d; // q,o + k,v + gate,up,down + norms
    long params = 256 * perLayer + 2 * 128000 * d + d; // layers + embedding + head + final norm
    assertTrue(m.contains(String.format(java.util.Locale.ROOT, "%,d parameters", params)), m);
    assertTrue(
        m.contains(String.format(java.util.Locale.ROOT, "%,d bytes) of weights", 4 * params)), m);
    assertTrue(m.contains("may use") && m.contains("available memory"), m); // the machine's figure
    assertTrue(m.contains("refused before loading"), m);
    assertTrue(seconds < 5, "refused in " + seconds + " s");
    assertTrue(rssGrowth < 64L << 20, "RSS grew by " + rssGrowth + " bytes");
    assertTrue(heapGrowth < 64L << 20, "heap grew by " + heapGrowth + " bytes");
  }

  @Test
  void theConfiguredMemoryLimitIsHonouredAndNamed() {
    RandomCheckpoints.write(dir, RandomCheckpoints.tinyConfig("qwen3"), DType.F32, 3);
    LocalModelSource source = new LocalModelSource(dir);
    ModelLoader.Options tight = ModelLoader.Options.defaults().withMemoryLimit(100 * 1024);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ModelLoader.load(
                        source, Engine.getInstance().defaultDevice(), LinearFactory.plain(), tight)
                    .close());
    assertTrue(e.getMessage().contains("may use 100.0 KiB (102,400 bytes)"), e.getMessage());
    assertTrue(
        e.getMessage().contains("KV cache for 256 tokens"),
        e.getMessage()); // min(max_position_embeddings, 4096)

    System.setProperty(MemoryBudget.PROPERTY, "1k");
    try {
      e = assertThrows(IllegalArgumentException.class, () -> ModelLoader.load(source).close());
      assertTrue(
          e.getMessage()
              .contains("may use 1.0 KiB (1,024 bytes) (-D" + MemoryBudget.PROPERTY + ")"),
          e.getMessage());
      System.setProperty(MemoryBudget.PROPERTY, "lots");
      e = assertThrows(IllegalArgumentException.class, () -> ModelLoader.load(source).close());
      assertTrue(
          e.getMessage().contains("'lots'") && e.getMessage().contains(MemoryBudget.ENV),
          e.getMessage());
      System.setProperty(MemoryBudget.PROPERTY, "1g");
      ModelLoader.load(source).close();
    } finally {
      System.clearProperty(MemoryBudget.PROPERTY);
    }
  }

  @Test
  void nonFiniteBaseWeightsAreWarnedByNameAndTheirNaNOutputsAreErrors() {
    ObjectNode config = RandomCheckpoints.tinyConfig("llama");
    ModelConfig c = ModelConfig.parse(config.toString());
    Map<String, FloatTensor> tensors =
        RandomCheckpoints.randomTensors(
            ModelLoader.architecture(c.modelType()).expectedTensors(c), 5);
    tensors.get("model.layers.1.mlp.down_proj.weight").data()[17] = Float.NaN;
    tensors.get("model.norm.weight").data()[0] = Float.POSITIVE_INFINITY;
    RandomCheckpoints.write(dir, config, DType.F32, 5);
    SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors, DType.F32);

    List<String> warnings = new ArrayList<>();
    try (CausalLM model =
        ModelLoader.load(
            new LocalModelSource(dir),
            Engine.getInstance().defaultDevice(),
            LinearFactory.plain(),
            ModelLoader.Options.defaults().withWarnings(warnings::add))) {
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(
          warnings.get(0).contains("model.layers.1.mlp.down_proj.weight, model.norm.weight"),
          warnings.get(0));

      IllegalStateException score =
          assertThrows(
              IllegalStateException.class, () -> Scorer.logprobs(model, new int[] {0, 5, 9, 12}));
      assertTrue(
          score.getMessage().contains("log-probability of NaN at position 1"), score.getMessage());
      IllegalStateException gen =
          assertThrows(
              IllegalStateException.class,
              () ->
                  new Generator(model)
                      .generate(new int[] {0, 5}, GenerationConfig.greedy(4), null));
      assertTrue(
          gen.getMessage().contains("logit of NaN")
              && gen.getMessage().contains("generated token 0"),
          gen.getMessage());
    }
  }

  @Test
  void anAdapterHoldingNaNIsRefusedNamingTheTensor() throws IOException {
    Path adapter = PeftFixtures.copy("llama3-lora", dir.resolve("adapter"));
    Path file = adapter.resolve(PeftAdapter.WEIGHTS_FILE);
    Map<String, FloatTensor> weights = new LinkedHashMap<>();
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      for (TensorInfo t : f.tensors().values()) {
        weights.put(t.name(), new FloatTensor(t.shape(), f.readFloats(t.name())));
      }
    }
    String poisoned = "base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight";
    weights.get(poisoned).data()[3] = Float.NEGATIVE_INFINITY;
    SafetensorsWriter.write(file, weights, DType.F32);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PeftAdapter.read(adapter));
    assertTrue(e.getMessage().contains("NaN or infinite values in " + poisoned), e.getMessage());
    assertTrue(e.getMessage().contains("refusing"), e.getMessage());
  }

  @Test
  void anAdapterTargetThatMatchesNoModuleIsNamed() throws IOException {
    Path adapter = PeftFixtures.copy("llama3-lora", dir.resolve("adapter"));
    ObjectNode cfg =
        (ObjectNode) JSON.readTree(Files.readString(adapter.resolve("adapter_config.json")));
    cfg.putArray("target_modules").add("v_proj").add("down_proj").add("q_proj").add("gate_prj");
    Files.writeString(adapter.resolve("adapter_config.json"), cfg.toString());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                AdapterLoader.load(new LocalModelSource(Fixtures.reference("llama3-bf16")), adapter)
                    .close());
    assertTrue(
        e.getMessage().contains("target_modules: 'gate_prj' matches no linear layer"),
        e.getMessage());
  }

  @Test
  void thousandsOfMismatchesAreSummarisedInAFewLines() throws IOException {
    ObjectNode config = RandomCheckpoints.tinyConfig("mistral");
    ModelConfig c = ModelConfig.parse(config.toString());
    Map<String, long[]> shapes =
        new LinkedHashMap<>(ModelLoader.architecture(c.modelType()).expectedTensors(c));
    shapes.remove("model.norm.weight");
    for (int i = 0; i < 3000; i++) {
      shapes.put(
          "model.layers." + i + ".self_attn.extra_" + "x".repeat(60) + ".weight", new long[] {1});
    }
    Files.writeString(dir.resolve("config.json"), config.toString());
    SafetensorsWriter.write(
        dir.resolve("model.safetensors"), RandomCheckpoints.randomTensors(shapes, 1), DType.F32);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ModelLoader.load(new LocalModelSource(dir)).close());
    String m = e.getMessage();
    assertTrue(m.contains("missing tensors: model.norm.weight"), m);
    assertTrue(m.contains("and 2995 more (3000 in all)"), m);
    assertTrue(m.length() < 1500, "the report is " + m.length() + " characters");
  }
}
