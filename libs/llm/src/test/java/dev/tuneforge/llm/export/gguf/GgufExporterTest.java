package dev.tuneforge.llm.export.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.llm.Fixtures;
import dev.tuneforge.llm.config.ModelConfig;
import dev.tuneforge.llm.config.RopeScaling;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.safetensors.DType;
import dev.tuneforge.llm.safetensors.FloatTensor;
import dev.tuneforge.llm.safetensors.SafetensorsCheckpoint;
import dev.tuneforge.llm.safetensors.SafetensorsFile;
import dev.tuneforge.llm.safetensors.SafetensorsWriter;
import dev.tuneforge.llm.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the exporter writes, read back with the reader: metadata, names, shapes, values, types. */
class GgufExporterTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  @Test
  void llamaMetadataAndTokenizerAreWhatLlamaCppExpects() throws IOException {
    Path base = TinyChatModel.base(dir.resolve("tiny"), true, 7);
    GgufFile f =
        GgufFile.read(GgufExporter.export(base, dir.resolve("t.gguf"), GgufType.F32).out());
    assertEquals("llama", f.get("general.architecture").asString());
    assertEquals("model", f.get("general.type").asString());
    assertEquals("tiny", f.get("general.name").asString());
    assertEquals(0L, f.get("general.file_type").asLong());
    Map<String, Long> ints =
        Map.of(
            "llama.context_length",
            256L,
            "llama.embedding_length",
            64L,
            "llama.block_count",
            2L,
            "llama.feed_forward_length",
            128L,
            "llama.attention.head_count",
            4L,
            "llama.attention.head_count_kv",
            2L,
            "llama.rope.dimension_count",
            16L,
            "llama.vocab_size",
            408L);
    ints.forEach((k, v) -> assertEquals(v, f.get(k).asLong(), k));
    assertEquals(10000f, f.get("llama.rope.freq_base").value());
    assertEquals(1e-5f, f.get("llama.attention.layer_norm_rms_epsilon").value());

    assertEquals("gpt2", f.get("tokenizer.ggml.model").asString());
    assertEquals("gpt-2", f.get("tokenizer.ggml.pre").asString());
    List<?> tokens = f.get("tokenizer.ggml.tokens").asList();
    List<?> types = f.get("tokenizer.ggml.token_type").asList();
    assertEquals(408, tokens.size(), "one token per row of the embedding (config vocab_size)");
    assertEquals(408, types.size());
    assertEquals("<|endoftext|>", tokens.get(0));
    assertEquals((long) GgufVocab.CONTROL, types.get(0));
    assertEquals("!", tokens.get(3));
    assertEquals((long) GgufVocab.NORMAL, types.get(3));
    assertEquals("<tool>", tokens.get(400));
    assertEquals((long) GgufVocab.USER_DEFINED, types.get(400), "added, not special");
    assertEquals("[PAD401]", tokens.get(401));
    assertEquals((long) GgufVocab.UNUSED, types.get(401));
    JsonNode tokenizer = JSON.readTree(base.resolve("tokenizer.json").toFile());
    JsonNode merges = tokenizer.get("model").get("merges");
    List<?> ggufMerges = f.get("tokenizer.ggml.merges").asList();
    assertEquals(merges.size(), ggufMerges.size());
    assertEquals(
        merges.get(0).get(0).asText() + " " + merges.get(0).get(1).asText(), ggufMerges.get(0));
    assertEquals(
        0L,
        f.get("tokenizer.ggml.bos_token_id").asLong(),
        "config.json bos_token_id: tokenizer has none");
    assertEquals(2L, f.get("tokenizer.ggml.eos_token_id").asLong(), "<|im_end|>");
    assertEquals(0L, f.get("tokenizer.ggml.padding_token_id").asLong(), "<|endoftext|>");
    assertEquals(
        false,
        f.get("tokenizer.ggml.add_bos_token").value(),
        "ByteLevel post-processor adds nothing");
    JsonNode templates =
        JSON.readTree(base.resolve("tokenizer_config.json").toFile()).get("chat_template");
    assertEquals(
        templates.get(0).get("template").asText(), f.get("tokenizer.chat_template").asString());
    assertEquals(
        templates.get(1).get("template").asText(),
        f.get("tokenizer.chat_template.tool_use").asString());
    assertEquals(List.of("tool_use"), f.get("tokenizer.chat_templates").asList());

    assertFalse(f.tensors().containsKey("output.weight"), "tied head: llama.cpp reuses token_embd");
    assertTrue(f.tensors().containsKey("token_embd.weight"));
    assertArrayEquals(new long[] {64, 408}, f.tensor("token_embd.weight").dims());
  }

  @Test
  void aLlamaTokenizerAddsBos() {
    Path base = TinyChatModel.base(dir.resolve("tiny"), true, 7);
    copyTokenizer("bpe-llama", base);
    GgufFile f =
        GgufFile.read(GgufExporter.export(base, dir.resolve("t.gguf"), GgufType.F32).out());
    assertEquals(
        true, f.get("tokenizer.ggml.add_bos_token").value(), "TemplateProcessing prepends <s>");
    assertEquals(1L, f.get("tokenizer.ggml.bos_token_id").asLong());
    assertEquals(2L, f.get("tokenizer.ggml.eos_token_id").asLong());
    assertEquals(0L, f.get("tokenizer.ggml.unknown_token_id").asLong());
  }

  @Test
  void everyTensorComesBackRenamedReversedAndWithLlamasQkPermutation() {
    Path base = TinyChatModel.base(dir.resolve("tiny"), false, 3);
    GgufFile f =
        GgufFile.read(GgufExporter.export(base, dir.resolve("t.gguf"), GgufType.F32).out());
    ModelConfig c = ModelConfig.read(base.resolve("config.json"));
    try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(new LocalModelSource(base))) {
      assertEquals(ckpt.tensors().size(), f.tensors().size());
      for (TensorInfo t : ckpt.tensors().values()) {
        String name = GgufNames.of(t.name());
        GgufTensorInfo g = f.tensor(name);
        assertArrayEquals(t.shape(), g.torchShape(), name);
        assertEquals(GgmlType.F32, g.type());
        float[] hf = ckpt.readFloats(t.name());
        float[] expected =
            name.contains("attn_q.")
                ? QkPermutation.permuteRows(hf, c.numHeads(), 64)
                : name.contains("attn_k.") ? QkPermutation.permuteRows(hf, c.numKvHeads(), 64) : hf;
        assertArrayEquals(expected, f.readFloats(name), name);
      }
    }
    assertTrue(f.tensors().containsKey("output.weight"), "untied head written");
  }

  @Test
  void quantizedTypesFollowTheConvertersRules() {
    Path base = TinyChatModel.base(dir.resolve("tiny"), false, 3);
    GgufFile q8 =
        GgufFile.read(GgufExporter.export(base, dir.resolve("q8.gguf"), GgufType.Q8_0).out());
    assertEquals(7L, q8.get("general.file_type").asLong());
    assertEquals(GgmlType.Q8_0, q8.tensor("blk.0.ffn_down.weight").type());
    assertEquals(GgmlType.Q8_0, q8.tensor("token_embd.weight").type());
    assertEquals(GgmlType.Q8_0, q8.tensor("output.weight").type());
    assertEquals(GgmlType.F32, q8.tensor("blk.1.ffn_norm.weight").type());
    assertEquals(GgmlType.F32, q8.tensor("output_norm.weight").type());
    GgufFile q4 =
        GgufFile.read(GgufExporter.export(base, dir.resolve("q4.gguf"), GgufType.Q4_0).out());
    assertEquals(GgmlType.Q4_0, q4.tensor("blk.0.attn_v.weight").type());
    assertEquals(GgmlType.Q8_0, q4.tensor("output.weight").type(), "output head kept finer");
    GgufFile f16 =
        GgufFile.read(GgufExporter.export(base, dir.resolve("f16.gguf"), GgufType.F16).out());
    assertEquals(GgmlType.F16, f16.tensor("blk.0.attn_v.weight").type());
    // rows that are not whole 32-value blocks fall back to F16, as llama.cpp's converter does
    assertEquals(
        GgmlType.F16,
        GgufExporter.storageType("blk.0.ffn_down.weight", new long[] {64, 168}, GgufType.Q8_0));
    assertEquals(
        GgmlType.F32,
        GgufExporter.storageType("blk.0.attn_q.bias", new long[] {64}, GgufType.Q8_0));
  }

  @Test
  void referenceFamiliesGetTheirArchitectureSpecifics() {
    // Llama 3: RoPE scaling as rope_freqs, untied head
    GgufFile llama3 = export("llama3-bf16");
    ModelConfig c = ModelConfig.read(Fixtures.reference("llama3-bf16").resolve("config.json"));
    float[] factors = llama3.readFloats("rope_freqs.weight");
    float[] plain = RopeScaling.inverseFrequencies(c.headDim(), c.ropeTheta(), null);
    float[] scaled = c.ropeInverseFrequencies();
    assertEquals(c.headDim() / 2, factors.length);
    for (int i = 0; i < factors.length; i++) {
      assertEquals(plain[i] / scaled[i], factors[i], 1e-5 * factors[i], "rope factor " + i);
    }
    assertTrue(llama3.tensors().containsKey("output.weight"));
    // Qwen2: q/k/v biases, NeoX RoPE, so nothing permuted
    GgufFile qwen2 = export("qwen2-bf16");
    assertEquals("qwen2", qwen2.get("general.architecture").asString());
    assertEquals(10000f, qwen2.get("qwen2.rope.freq_base").value());
    try (SafetensorsCheckpoint ckpt =
        SafetensorsCheckpoint.open(new LocalModelSource(Fixtures.reference("qwen2-bf16")))) {
      assertArrayEquals(
          ckpt.readFloats("model.layers.0.self_attn.q_proj.weight"),
          qwen2.readFloats("blk.0.attn_q.weight"));
      assertArrayEquals(
          ckpt.readFloats("model.layers.0.self_attn.k_proj.bias"),
          qwen2.readFloats("blk.0.attn_k.bias"));
    }
    // Qwen3: per-head q/k norms, head_dim (32) ≠ hidden / heads (16)
    GgufFile qwen3 = export("qwen3-bf16");
    assertEquals(32L, qwen3.get("qwen3.attention.key_length").asLong());
    assertEquals(32L, qwen3.get("qwen3.rope.dimension_count").asLong());
    assertArrayEquals(new long[] {32}, qwen3.tensor("blk.1.attn_k_norm.weight").dims());
    // Mistral runs as llama
    assertEquals("llama", export("mistral-f32").get("general.architecture").asString());
  }

  GgufFile export(String reference) {
    return GgufFile.read(
        GgufExporter.export(
                Fixtures.reference(reference), dir.resolve(reference + ".gguf"), GgufType.F32)
            .out());
  }

  @Test
  void unsupportedTypeIsNamed() {
    String m =
        assertThrows(IllegalArgumentException.class, () -> GgufType.parse("q5_k")).getMessage();
    assertTrue(m.contains("'q5_k'") && m.contains("f32, f16, q8_0, q4_0"), m);
    assertEquals(GgufType.Q8_0, GgufType.parse("Q8_0"));
  }

  @Test
  void aMissingTensorIsNamed() {
    Path base = TinyChatModel.base(dir.resolve("tiny"), true, 3);
    Map<String, FloatTensor> kept = new LinkedHashMap<>();
    try (SafetensorsFile f = SafetensorsFile.open(base.resolve("model.safetensors"))) {
      for (TensorInfo t : f.tensors().values()) {
        if (!t.name().equals("model.layers.1.mlp.up_proj.weight")) {
          kept.put(t.name(), new FloatTensor(t.shape(), f.readFloats(t.name())));
        }
      }
    }
    SafetensorsWriter.write(base.resolve("model.safetensors"), kept, DType.F32);
    String m =
        assertThrows(
                IllegalArgumentException.class,
                () -> GgufExporter.export(base, dir.resolve("t.gguf"), GgufType.F32))
            .getMessage();
    assertTrue(m.contains("missing tensors: model.layers.1.mlp.up_proj.weight"), m);
    assertFalse(Files.exists(dir.resolve("t.gguf")));
  }

  @Test
  void aTokenizerLlamaCppWouldSplitDifferentlyIsRefused() throws IOException {
    Path base = TinyChatModel.base(dir.resolve("tiny"), true, 3);
    ObjectNode tok = (ObjectNode) JSON.readTree(base.resolve("tokenizer.json").toFile());
    tok.putObject("pre_tokenizer").put("type", "Whitespace");
    Files.writeString(base.resolve("tokenizer.json"), tok.toString());
    String m =
        assertThrows(
                IllegalArgumentException.class,
                () -> GgufExporter.export(base, dir.resolve("t.gguf"), GgufType.F32))
            .getMessage();
    assertTrue(m.contains("tokenizer.json: pre_tokenizer") && m.contains("Whitespace"), m);

    Files.delete(base.resolve("tokenizer.json"));
    m =
        assertThrows(
                IllegalArgumentException.class,
                () -> GgufExporter.export(base, dir.resolve("t.gguf"), GgufType.F32))
            .getMessage();
    assertTrue(m.contains("has no tokenizer.json"), m);
  }

  @Test
  void aMistralWithASlidingWindowIsRefused() throws IOException {
    Path base = dir.resolve("mistral");
    Files.createDirectories(base);
    for (String f :
        new String[] {
          "config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"
        }) {
      Files.copy(Fixtures.reference("mistral-f32").resolve(f), base.resolve(f));
    }
    ObjectNode config = (ObjectNode) JSON.readTree(base.resolve("config.json").toFile());
    config.put("sliding_window", 32);
    Files.writeString(base.resolve("config.json"), config.toString());
    String m =
        assertThrows(
                IllegalArgumentException.class,
                () -> GgufExporter.export(base, dir.resolve("t.gguf"), GgufType.F32))
            .getMessage();
    assertTrue(m.contains("sliding_window 32"), m);
  }

  @Test
  void qkPermutationInterleavesEachHeadsHalves() {
    // 2 heads of d = 4, one column: head rows [a0 a1 | b0 b1] → [a0 b0 a1 b1]
    float[] w = {0, 1, 2, 3, 10, 11, 12, 13};
    assertArrayEquals(new float[] {0, 2, 1, 3, 10, 12, 11, 13}, QkPermutation.permuteRows(w, 2, 1));
    assertThrows(
        IllegalArgumentException.class, () -> QkPermutation.permuteRows(new float[6], 2, 1));
  }

  void copyTokenizer(String name, Path dir) {
    for (String f : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
      try (var in = getClass().getResourceAsStream("/tokenizers/" + name + "/" + f)) {
        Files.copy(in, dir.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
