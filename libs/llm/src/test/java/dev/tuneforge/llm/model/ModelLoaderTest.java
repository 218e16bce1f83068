package dev.tuneforge.llm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.llm.Fixtures;
import dev.tuneforge.llm.RandomCheckpoints;
import dev.tuneforge.llm.config.ModelConfig;
import dev.tuneforge.llm.safetensors.DType;
import dev.tuneforge.llm.safetensors.FloatTensor;
import dev.tuneforge.llm.safetensors.SafetensorsCheckpoint;
import dev.tuneforge.llm.safetensors.SafetensorsWriter;
import dev.tuneforge.llm.score.Scorer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading a model folder: good checkpoints in every layout, bad ones refused with a named cause.
 */
class ModelLoaderTest {
  @TempDir Path dir;

  private static IllegalArgumentException loadFails(Path folder) {
    return assertThrows(
        IllegalArgumentException.class,
        () -> ModelLoader.load(new LocalModelSource(folder)).close());
  }

  @Test
  void reshardedCheckpointWrittenByTheProjectGivesTheSameLogprobs() throws IOException {
    // Rewrite the F32 Mistral reference with the project's writer as two shards plus an index.
    Path src = Fixtures.reference("mistral-f32");
    Map<String, FloatTensor> first = new LinkedHashMap<>();
    Map<String, FloatTensor> second = new LinkedHashMap<>();
    StringBuilder index = new StringBuilder("{\"metadata\":{},\"weight_map\":{");
    try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(new LocalModelSource(src))) {
      int i = 0;
      for (var e : c.tensors().entrySet()) {
        boolean one = i++ % 2 == 0;
        (one ? first : second)
            .put(e.getKey(), new FloatTensor(e.getValue().shape(), c.readFloats(e.getKey())));
        index
            .append(i > 1 ? "," : "")
            .append('"')
            .append(e.getKey())
            .append("\":\"")
            .append(one ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors")
            .append('"');
      }
    }
    index.append("}}");
    SafetensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"), first, DType.F32);
    SafetensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"), second, DType.F32);
    Files.writeString(dir.resolve("model.safetensors.index.json"), index);
    Files.copy(src.resolve("config.json"), dir.resolve("config.json"));

    JsonNode seq = Fixtures.expected("mistral-f32").get("sequences").get(1);
    try (CausalLM model = ModelLoader.load(new LocalModelSource(dir))) {
      float[] got = Scorer.logprobs(model, Fixtures.ints(seq.get("ids")));
      for (int i = 0; i < got.length; i++) {
        assertEquals(seq.get("logprobs").get(i).asDouble(), got[i], 1e-4);
      }
    }
  }

  @Test
  void missingTensorIsNamed() throws IOException {
    ObjectNode config = RandomCheckpoints.tinyConfig("llama");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("config.json"), config.toString());
    ModelConfig c = ModelConfig.parse(config.toString());
    Map<String, long[]> shapes =
        new LinkedHashMap<>(ModelLoader.architecture(c.modelType()).expectedTensors(c));
    shapes.remove("model.layers.1.mlp.up_proj.weight");
    shapes.remove("model.norm.weight");
    SafetensorsWriter.write(
        dir.resolve("model.safetensors"), RandomCheckpoints.randomTensors(shapes, 1), DType.BF16);
    IllegalArgumentException e = loadFails(dir);
    assertTrue(
        e.getMessage()
            .contains("missing tensors: model.layers.1.mlp.up_proj.weight, model.norm.weight"),
        e.getMessage());
  }

  @Test
  void wrongShapeAndUnexpectedTensorsAreNamed() throws IOException {
    ObjectNode config = RandomCheckpoints.tinyConfig("qwen2");
    RandomCheckpoints.write(dir, config, DType.F32, 3);
    // Same weights, but the config now claims a wider MLP, and an extra tensor is present.
    ModelConfig c = ModelConfig.parse(config.toString());
    Map<String, long[]> shapes =
        new LinkedHashMap<>(ModelLoader.architecture(c.modelType()).expectedTensors(c));
    shapes.put("model.layers.0.self_attn.extra.weight", new long[] {4});
    SafetensorsWriter.write(
        dir.resolve("model.safetensors"), RandomCheckpoints.randomTensors(shapes, 1), DType.F32);
    config.put("intermediate_size", 128);
    Files.writeString(dir.resolve("config.json"), config.toString());
    IllegalArgumentException e = loadFails(dir);
    assertTrue(
        e.getMessage()
            .contains("model.layers.0.mlp.gate_proj.weight (expected [128, 64], found [96, 64])"),
        e.getMessage());
    assertTrue(
        e.getMessage().contains("unexpected tensors: model.layers.0.self_attn.extra.weight"),
        e.getMessage());
  }

  @Test
  void qwen2WithoutBiasesIsRefused() throws IOException {
    // A Llama-layout checkpoint labelled qwen2: Qwen2 must have q/k/v biases.
    RandomCheckpoints.write(dir, RandomCheckpoints.tinyConfig("llama"), DType.F32, 3);
    ObjectNode config = RandomCheckpoints.tinyConfig("qwen2");
    Files.writeString(dir.resolve("config.json"), config.toString());
    IllegalArgumentException e = loadFails(dir);
    assertTrue(e.getMessage().contains("model.layers.0.self_attn.q_proj.bias"), e.getMessage());
  }

  @Test
  void unknownModelTypeAndUnsupportedRopeAreNamed() throws IOException {
    ObjectNode config = RandomCheckpoints.tinyConfig("llama");
    RandomCheckpoints.write(dir, config, DType.F32, 3);
    config.put("model_type", "falcon");
    Files.writeString(dir.resolve("config.json"), config.toString());
    IllegalArgumentException e = loadFails(dir);
    assertTrue(
        e.getMessage().contains("falcon") && e.getMessage().contains("qwen3"), e.getMessage());

    config.put("model_type", "llama");
    config.putObject("rope_scaling").put("rope_type", "dynamic").put("factor", 2.0);
    Files.writeString(dir.resolve("config.json"), config.toString());
    assertEquals("unsupported rope_scaling type dynamic", loadFails(dir).getMessage());
  }

  @Test
  void pickleOnlyFolderIsRefused() throws IOException {
    Files.writeString(
        dir.resolve("config.json"), RandomCheckpoints.tinyConfig("mistral").toString());
    Files.write(dir.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 4});
    IllegalArgumentException e = loadFails(dir);
    assertTrue(e.getMessage().contains("refusing to load pytorch_model.bin"), e.getMessage());
    assertTrue(e.getMessage().contains("arbitrary code"), e.getMessage());
  }

  @Test
  void tiedHeadSharesTheEmbeddingAndBf16LoadsAsWidenedFloats() {
    ObjectNode config = RandomCheckpoints.tinyConfig("qwen3");
    config.put("tie_word_embeddings", true);
    RandomCheckpoints.write(dir, config, DType.BF16, 5);
    try (CausalLM model = ModelLoader.load(new LocalModelSource(dir));
        SafetensorsCheckpoint c = SafetensorsCheckpoint.open(new LocalModelSource(dir))) {
      assertEquals("bfloat16", model.storedDtype());
      assertTrue(!model.parameters().containsKey("lm_head.weight"));
      float[] stored = c.readFloats("model.layers.1.self_attn.k_norm.weight");
      assertArrayEquals(
          stored, model.parameters().get("model.layers.1.self_attn.k_norm.weight").toFloatArray());
      assertEquals(List.of(1), model.config().eosTokenIds());
    }
  }
}
