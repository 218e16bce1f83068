package dev.tuneforge.llm.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.llm.Fixtures;
import dev.tuneforge.llm.lora.LoraWeights;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.peft.AdapterLoader;
import dev.tuneforge.llm.peft.PeftAdapter;
import dev.tuneforge.llm.peft.PeftFixtures;
import dev.tuneforge.llm.safetensors.DType;
import dev.tuneforge.llm.safetensors.FloatTensor;
import dev.tuneforge.llm.safetensors.Floats;
import dev.tuneforge.llm.safetensors.SafetensorsFile;
import dev.tuneforge.llm.safetensors.SafetensorsWriter;
import dev.tuneforge.llm.safetensors.TensorInfo;
import dev.tuneforge.llm.score.Scorer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Merging folds the adapter into the weights without changing what the model computes. */
class LoraMergerTest {
  @TempDir Path dir;

  @Test
  void mergedFloat32ModelMatchesBasePlusAdapter() throws IOException {
    Path base = Fixtures.reference("mistral-f32");
    Path out = dir.resolve("merged");
    LoraMerger.Result r = LoraMerger.merge(base, PeftFixtures.adapter("mistral-lora"), out);
    assertEquals(DType.F32, r.dtype());
    assertEquals(10, r.modulesMerged()); // 5 modules × 2 layers
    for (String f : new String[] {"config.json", "tokenizer.json", "tokenizer_config.json"}) {
      assertArrayEquals(Files.readAllBytes(base.resolve(f)), Files.readAllBytes(out.resolve(f)), f);
    }
    JsonNode expected = PeftFixtures.expected("mistral-lora");
    double vsAdapter = 0;
    double vsPeft = 0;
    try (CausalLM merged = ModelLoader.load(new LocalModelSource(out));
        AdapterLoader.Adapted adapted =
            AdapterLoader.load(new LocalModelSource(base), PeftFixtures.adapter("mistral-lora"))) {
      assertEquals("float32", merged.storedDtype());
      for (JsonNode seq : expected.get("sequences")) {
        int[] ids = Fixtures.ints(seq.get("ids"));
        float[] m = Scorer.logprobs(merged, ids);
        float[] a = Scorer.logprobs(adapted.model(), ids);
        for (int i = 0; i < m.length; i++) {
          vsAdapter = Math.max(vsAdapter, Math.abs(m[i] - a[i]));
          vsPeft = Math.max(vsPeft, Math.abs(m[i] - seq.get("logprobs").get(i).asDouble()));
        }
      }
    }
    System.out.printf(
        "merged F32: max |merged - (base+adapter)| = %.3g, max |merged - PEFT| = %.3g%n",
        vsAdapter, vsPeft);
    assertTrue(vsAdapter < 1e-4, "merged vs base+adapter: " + vsAdapter);
    assertTrue(vsPeft < 1e-4, "merged vs PEFT: " + vsPeft);
  }

  @Test
  void mergingAZeroUpdateGivesExactlyTheBaseLogprobs() throws IOException {
    Path base = Fixtures.reference("mistral-f32");
    Path adapter = PeftFixtures.copy("mistral-lora", dir.resolve("zero"));
    Map<String, FloatTensor> t = new LinkedHashMap<>();
    try (SafetensorsFile f = SafetensorsFile.open(adapter.resolve(PeftAdapter.WEIGHTS_FILE))) {
      for (TensorInfo i : f.tensors().values()) {
        float[] data = f.readFloats(i.name());
        t.put(
            i.name(),
            new FloatTensor(
                i.shape(), i.name().contains("lora_B") ? new float[data.length] : data));
      }
    }
    SafetensorsWriter.write(adapter.resolve(PeftAdapter.WEIGHTS_FILE), t, DType.F32);
    Path out = LoraMerger.merge(base, adapter, dir.resolve("merged")).out();
    int[] ids =
        Fixtures.ints(PeftFixtures.expected("mistral-lora").get("sequences").get(1).get("ids"));
    try (CausalLM plain = ModelLoader.load(new LocalModelSource(base));
        CausalLM merged = ModelLoader.load(new LocalModelSource(out));
        AdapterLoader.Adapted adapted = AdapterLoader.load(new LocalModelSource(base), adapter)) {
      float[] expected = Scorer.logprobs(plain, ids);
      assertArrayEquals(expected, Scorer.logprobs(merged, ids), "merged B = 0");
      assertArrayEquals(
          expected, Scorer.logprobs(adapted.model(), ids), "base + adapter with B = 0");
    }
  }

  @Test
  void bf16BaseIsMergedInFloatAndRoundedOnceToBf16() {
    Path base = Fixtures.reference("llama3-bf16");
    Path adapterDir = PeftFixtures.adapter("llama3-lora");
    Path out = LoraMerger.merge(base, adapterDir, dir.resolve("merged")).out();
    PeftAdapter adapter = PeftAdapter.read(adapterDir);
    double scale = adapter.config().lora().scale();
    try (SafetensorsFile b = SafetensorsFile.open(base.resolve("model.safetensors"));
        SafetensorsFile m = SafetensorsFile.open(out.resolve("model.safetensors"))) {
      assertEquals(b.tensors().keySet(), m.tensors().keySet());
      int changed = 0;
      for (TensorInfo t : b.tensors().values()) {
        assertEquals(DType.BF16, m.info(t.name()).dtype(), t.name());
        float[] w = b.readFloats(t.name());
        float[] got = m.readFloats(t.name());
        String module = t.name().replaceFirst("\\.weight$", "");
        LoraWeights lw = adapter.weights().get(module);
        if (lw == null) {
          assertArrayEquals(w, got, t.name() + " is not adapted and must be unchanged");
          continue;
        }
        changed++;
        int in = (int) t.shape()[1];
        int rank = lw.rank();
        for (int o = 0; o < t.shape()[0]; o++) {
          for (int i = 0; i < in; i++) {
            double d = 0;
            for (int k = 0; k < rank; k++) {
              d += lw.b().data()[o * rank + k] * lw.a().data()[k * in + i];
            }
            float want =
                Floats.bf16ToFloat(Floats.floatToBf16((float) (w[o * in + i] + scale * d)));
            assertEquals(want, got[o * in + i], 0f, t.name() + "[" + o + "," + i + "]");
          }
        }
      }
      assertEquals(6, changed);
    }
    // The engine loads it; BF16 rounding of the merged weights is the only difference from PEFT.
    JsonNode seq = PeftFixtures.expected("llama3-lora").get("sequences").get(1);
    try (CausalLM merged = ModelLoader.load(new LocalModelSource(out))) {
      assertEquals("bfloat16", merged.storedDtype());
      float[] lp = Scorer.logprobs(merged, Fixtures.ints(seq.get("ids")));
      double worst = 0;
      for (int i = 0; i < lp.length; i++) {
        worst = Math.max(worst, Math.abs(lp[i] - seq.get("logprobs").get(i).asDouble()));
      }
      System.out.printf("merged BF16: max |merged - PEFT (float32 adapter)| = %.3g%n", worst);
      assertTrue(
          worst < 0.1, "BF16 rounding should move log-probs by a few hundredths at most: " + worst);
    }
  }

  @Test
  void aMismatchedAdapterIsRefusedAndLeavesNoOutput() {
    Path out = dir.resolve("merged");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                LoraMerger.merge(
                    Fixtures.reference("llama3-bf16"),
                    PeftFixtures.adapter("qwen3-lora-all-linear-rs"),
                    out));
    assertTrue(
        e.getMessage()
            .contains(
                "wrong shapes: base_model.model.model.layers.0.self_attn.k_proj.lora_B.weight"),
        e.getMessage());
    assertFalse(Files.exists(out));
    assertFalse(Files.exists(dir.resolve("merged.partial")));
  }

  @Test
  void aNonEmptyOutputFolderIsRefused() throws IOException {
    Path out = Files.createDirectories(dir.resolve("taken"));
    Files.writeString(out.resolve("keep.txt"), "x");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                LoraMerger.merge(
                    Fixtures.reference("mistral-f32"), PeftFixtures.adapter("mistral-lora"), out));
    assertTrue(e.getMessage().contains("not empty"), e.getMessage());
    assertEquals("x", Files.readString(out.resolve("keep.txt")));
  }

  @Test
  void aShardedBaseIsMergedIntoTheSameShardsAndIndex() throws IOException {
    Path single = Fixtures.reference("mistral-f32");
    Path sharded = Files.createDirectories(dir.resolve("sharded"));
    for (String f : new String[] {"config.json", "tokenizer.json", "tokenizer_config.json"}) {
      Files.copy(single.resolve(f), sharded.resolve(f));
    }
    Map<String, FloatTensor> first = new LinkedHashMap<>();
    Map<String, FloatTensor> second = new LinkedHashMap<>();
    ObjectNode index = new ObjectMapper().createObjectNode();
    ObjectNode map = index.putObject("weight_map");
    try (SafetensorsFile f = SafetensorsFile.open(single.resolve("model.safetensors"))) {
      for (TensorInfo t : f.tensors().values()) {
        boolean one = !t.name().startsWith("model.layers.1.");
        (one ? first : second).put(t.name(), new FloatTensor(t.shape(), f.readFloats(t.name())));
        map.put(
            t.name(),
            one ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
      }
    }
    SafetensorsWriter.write(sharded.resolve("model-00001-of-00002.safetensors"), first, DType.F32);
    SafetensorsWriter.write(sharded.resolve("model-00002-of-00002.safetensors"), second, DType.F32);
    Files.writeString(sharded.resolve("model.safetensors.index.json"), index.toPrettyString());

    Path fromShards =
        LoraMerger.merge(sharded, PeftFixtures.adapter("mistral-lora"), dir.resolve("a")).out();
    Path fromSingle =
        LoraMerger.merge(single, PeftFixtures.adapter("mistral-lora"), dir.resolve("b")).out();
    assertTrue(Files.exists(fromShards.resolve("model-00001-of-00002.safetensors")));
    assertTrue(Files.exists(fromShards.resolve("model-00002-of-00002.safetensors")));
    assertFalse(Files.exists(fromShards.resolve("model.safetensors")));
    assertArrayEquals(
        Files.readAllBytes(sharded.resolve("model.safetensors.index.json")),
        Files.readAllBytes(fromShards.resolve("model.safetensors.index.json")));
    int[] ids =
        Fixtures.ints(PeftFixtures.expected("mistral-lora").get("sequences").get(1).get("ids"));
    try (CausalLM a = ModelLoader.load(new LocalModelSource(fromShards));
        CausalLM b = ModelLoader.load(new LocalModelSource(fromSingle))) {
      assertArrayEquals(Scorer.logprobs(b, ids), Scorer.logprobs(a, ids));
    }
  }
}
