package dev.tuneforge.llm.peft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.llm.Fixtures;
import dev.tuneforge.llm.lora.LoraConfig;
import dev.tuneforge.llm.lora.LoraLinear;
import dev.tuneforge.llm.lora.LoraLinearFactory;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.safetensors.DType;
import dev.tuneforge.llm.safetensors.FloatTensor;
import dev.tuneforge.llm.safetensors.SafetensorsFile;
import dev.tuneforge.llm.safetensors.SafetensorsWriter;
import dev.tuneforge.llm.score.Scorer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Adapters are written in PEFT's layout and every mismatch or unsupported setting is named. */
class PeftAdapterIoTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int[] IDS = {0, 5, 288, 61, 61, 140, 201, 3, 77, 12, 250};
  @TempDir Path dir;

  private static LocalModelSource llama() {
    return new LocalModelSource(Fixtures.reference("llama3-bf16"));
  }

  @Test
  void writtenAdapterHasPeftKeysNamesAndShapesAndLoadsBackToTheSameModel() throws IOException {
    LoraConfig cfg = new LoraConfig(4, 8, 0.05, List.of(LoraConfig.ALL_LINEAR), true, 1);
    LoraLinearFactory f = LoraLinearFactory.fresh(cfg);
    float[] expected;
    try (CausalLM model = ModelLoader.load(llama(), Engine.getInstance().defaultDevice(), f)) {
      Random rnd = new Random(3);
      for (LoraLinear l : f.layers()) { // a trained-looking B, so the adapter matters
        float[] b = new float[(int) l.loraB().getShape().size()];
        for (int i = 0; i < b.length; i++) {
          b[i] = (float) (0.3 * rnd.nextGaussian());
        }
        l.loraB().set(b);
      }
      expected = Scorer.logprobs(model, IDS);
      PeftAdapterWriter.write(dir, new AdapterConfig(cfg, "reference/llama3-bf16"), f.layers());
    }
    // Same keys as PEFT 0.21 writes, PEFT's values for the fixed ones.
    JsonNode ours = JSON.readTree(Files.readString(dir.resolve(AdapterConfig.FILE)));
    JsonNode peft =
        JSON.readTree(
            Files.readString(PeftFixtures.adapter("llama3-lora").resolve(AdapterConfig.FILE)));
    assertEquals(keys(peft), keys(ours));
    assertEquals("LORA", ours.get("peft_type").asText());
    assertEquals("CAUSAL_LM", ours.get("task_type").asText());
    assertEquals("none", ours.get("bias").asText());
    assertFalse(ours.get("fan_in_fan_out").asBoolean());
    assertTrue(ours.get("inference_mode").asBoolean());
    assertTrue(ours.get("modules_to_save").isNull());
    assertTrue(ours.get("use_rslora").asBoolean());
    assertEquals(4, ours.get("r").asInt());
    assertTrue(ours.get("lora_alpha").isInt());
    assertEquals(0.05, ours.get("lora_dropout").asDouble());
    assertEquals("reference/llama3-bf16", ours.get("base_model_name_or_path").asText());
    assertEquals(
        14, ours.get("target_modules").size(), "all-linear is written expanded, as PEFT does");
    try (SafetensorsFile st = SafetensorsFile.open(dir.resolve(PeftAdapter.WEIGHTS_FILE))) {
      assertEquals(28, st.tensors().size());
      assertArrayEquals(
          new long[] {4, 64},
          st.info("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight").shape());
      assertArrayEquals(
          new long[] {32, 4},
          st.info("base_model.model.model.layers.0.self_attn.k_proj.lora_B.weight").shape());
      assertArrayEquals(
          new long[] {64, 4},
          st.info("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight").shape());
      assertEquals(
          DType.F32,
          st.info("base_model.model.model.layers.1.mlp.down_proj.lora_A.weight").dtype());
    }
    try (AdapterLoader.Adapted back = AdapterLoader.load(llama(), dir)) {
      assertArrayEquals(expected, Scorer.logprobs(back.model(), IDS));
      assertEquals(
          8.0 / 2.0, back.lora().layers().get(0).scale(), "rsLoRA scale alpha/√r read back");
    }
  }

  @Test
  void unsupportedSettingsAreRefusedNamingTheKey() throws IOException {
    assertRefused("use_dora", c -> c.put("use_dora", true));
    assertRefused("bias", c -> c.put("bias", "lora_only"));
    assertRefused("fan_in_fan_out", c -> c.put("fan_in_fan_out", true));
    assertRefused("peft_type", c -> c.put("peft_type", "IA3"));
    assertRefused("rank_pattern", c -> c.putObject("rank_pattern").put("q_proj", 8));
    assertRefused("modules_to_save", c -> c.putArray("modules_to_save").add("lm_head"));
    assertRefused("layers_to_transform", c -> c.putArray("layers_to_transform").add(0));
    assertRefused("lora_bias", c -> c.put("lora_bias", true));
    assertRefused("target_modules", c -> c.put("target_modules", ".*proj"));
    assertRefused("some_future_option", c -> c.put("some_future_option", 3));
  }

  private void assertRefused(String key, Consumer<ObjectNode> edit) throws IOException {
    Path a = PeftFixtures.copy("llama3-lora", dir.resolve(key));
    ObjectNode c = (ObjectNode) JSON.readTree(Files.readString(a.resolve(AdapterConfig.FILE)));
    edit.accept(c);
    Files.writeString(a.resolve(AdapterConfig.FILE), c.toString());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PeftAdapter.read(a));
    assertTrue(e.getMessage().contains(key), e.getMessage());
  }

  @Test
  void aTargetedModuleWithoutTensorsIsReportedMissingByName() throws IOException {
    Path a = PeftFixtures.copy("llama3-lora", dir.resolve("a"));
    ObjectNode c = (ObjectNode) JSON.readTree(Files.readString(a.resolve(AdapterConfig.FILE)));
    c.putArray("target_modules").add("q_proj").add("v_proj").add("down_proj").add("k_proj");
    Files.writeString(a.resolve(AdapterConfig.FILE), c.toString());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> AdapterLoader.load(llama(), a));
    assertTrue(
        e.getMessage()
            .contains(
                "missing tensors: base_model.model.model.layers.0.self_attn.k_proj.lora_A.weight"),
        e.getMessage());
    assertTrue(
        e.getMessage().contains("base_model.model.model.layers.1.self_attn.k_proj.lora_B.weight"),
        e.getMessage());
  }

  @Test
  void tensorsForModulesTheModelLacksAreReportedUnexpectedByName() {
    Path a =
        rewriteTensors(
            "extra",
            t -> {
              t.put(
                  "base_model.model.model.layers.7.self_attn.q_proj.lora_A.weight",
                  new FloatTensor(new long[] {4, 64}, new float[256]));
              t.put(
                  "base_model.model.model.layers.7.self_attn.q_proj.lora_B.weight",
                  new FloatTensor(new long[] {64, 4}, new float[256]));
            });
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> AdapterLoader.load(llama(), a));
    assertTrue(e.getMessage().contains("unexpected tensors"), e.getMessage());
    assertTrue(
        e.getMessage().contains("base_model.model.model.layers.7.self_attn.q_proj.lora_A.weight"),
        e.getMessage());
  }

  @Test
  void nonLoraTensorsAndUnpairedFactorsAreReportedByName() {
    Path a =
        rewriteTensors(
            "dora",
            t -> {
              t.put(
                  "base_model.model.model.layers.0.self_attn.q_proj.lora_magnitude_vector",
                  new FloatTensor(new long[] {64}, new float[64]));
              t.remove("base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight");
            });
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PeftAdapter.read(a));
    assertTrue(
        e.getMessage()
            .contains(
                "unexpected tensors: base_model.model.model.layers.0.self_attn.q_proj.lora_magnitude_vector"),
        e.getMessage());
    assertTrue(
        e.getMessage()
            .contains(
                "missing tensors: base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight"),
        e.getMessage());
  }

  @Test
  void factorsWhoseShapeDoesNotFitTheBaseAreReportedByModule() {
    Path a =
        rewriteTensors(
            "shape",
            t -> {
              t.put(
                  "base_model.model.model.layers.0.mlp.down_proj.lora_A.weight",
                  new FloatTensor(new long[] {4, 32}, new float[128]));
            });
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> AdapterLoader.load(llama(), a));
    assertTrue(
        e.getMessage().contains("wrong shapes: model.layers.0.mlp.down_proj"), e.getMessage());
  }

  private Path rewriteTensors(String name, Consumer<Map<String, FloatTensor>> edit) {
    Path a = PeftFixtures.copy("llama3-lora", dir.resolve(name));
    Map<String, FloatTensor> t = new LinkedHashMap<>();
    try (SafetensorsFile f = SafetensorsFile.open(a.resolve(PeftAdapter.WEIGHTS_FILE))) {
      f.tensors()
          .values()
          .forEach(i -> t.put(i.name(), new FloatTensor(i.shape(), f.readFloats(i.name()))));
    }
    edit.accept(t);
    SafetensorsWriter.write(a.resolve(PeftAdapter.WEIGHTS_FILE), t, DType.F32);
    return a;
  }

  private static Set<String> keys(JsonNode n) {
    Set<String> s = new TreeSet<>();
    n.fieldNames().forEachRemaining(s::add);
    return s;
  }
}
