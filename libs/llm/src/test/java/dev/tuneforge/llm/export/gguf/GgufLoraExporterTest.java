package dev.tuneforge.llm.export.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.llm.Fixtures;
import dev.tuneforge.llm.lora.LoraWeights;
import dev.tuneforge.llm.peft.PeftAdapter;
import dev.tuneforge.llm.peft.PeftFixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The adapter in llama.cpp's LoRA layout: names, orientation, permutation, alpha. */
class GgufLoraExporterTest {
  @TempDir Path dir;

  @Test
  void factorsAreWrittenInLlamaCppsOrientationWithTheQkPermutationOnB() {
    Path base = TinyChatModel.base(dir.resolve("base"), true, 1);
    Path adapterDir = TinyChatModel.adapter(dir.resolve("adapter"), 2);
    GgufLoraExporter.Result r = GgufLoraExporter.export(adapterDir, base, dir.resolve("lora.gguf"));
    assertEquals(10, r.modules());
    GgufFile f = GgufFile.read(r.out());
    assertEquals("adapter", f.get("general.type").asString());
    assertEquals("llama", f.get("general.architecture").asString());
    assertEquals("lora", f.get("adapter.type").asString());
    assertEquals(16f, f.get("adapter.lora.alpha").value());
    assertEquals(20, f.tensors().size());
    // llama.cpp checks: base ne[0] == a.ne[0] (in), base ne[1] == b.ne[1] (out), a.ne[1] == b.ne[0]
    // (r)
    assertArrayEquals(new long[] {64, 8}, f.tensor("blk.0.attn_q.weight.lora_a").dims());
    assertArrayEquals(new long[] {8, 64}, f.tensor("blk.0.attn_q.weight.lora_b").dims());
    assertArrayEquals(new long[] {8, 32}, f.tensor("blk.1.attn_k.weight.lora_b").dims());
    assertArrayEquals(new long[] {8, 128}, f.tensor("blk.1.ffn_gate.weight.lora_b").dims());
    PeftAdapter adapter = PeftAdapter.read(adapterDir);
    LoraWeights q = adapter.weights().get("model.layers.0.self_attn.q_proj");
    LoraWeights k = adapter.weights().get("model.layers.1.self_attn.k_proj");
    LoraWeights v = adapter.weights().get("model.layers.0.self_attn.v_proj");
    assertArrayEquals(q.a().data(), f.readFloats("blk.0.attn_q.weight.lora_a"), "A unchanged");
    assertArrayEquals(
        QkPermutation.permuteRows(q.b().data(), 4, 8), f.readFloats("blk.0.attn_q.weight.lora_b"));
    assertArrayEquals(
        QkPermutation.permuteRows(k.b().data(), 2, 8), f.readFloats("blk.1.attn_k.weight.lora_b"));
    assertArrayEquals(v.b().data(), f.readFloats("blk.0.attn_v.weight.lora_b"), "v not permuted");
  }

  @Test
  void rsLoraAlphaIsRescaledForLlamaCppsAlphaOverR() {
    GgufLoraExporter.Result r =
        GgufLoraExporter.export(
            PeftFixtures.adapter("qwen3-lora-all-linear-rs"),
            Fixtures.reference("qwen3-bf16"),
            dir.resolve("rs.gguf"));
    GgufFile f = GgufFile.read(r.out());
    assertEquals("qwen3", f.get("general.architecture").asString());
    // PEFT rsLoRA: 16 / √4 = 8 = alpha' / r with alpha' = 16·√4 = 32
    assertEquals(32f, f.get("adapter.lora.alpha").value());
    PeftAdapter adapter = PeftAdapter.read(PeftFixtures.adapter("qwen3-lora-all-linear-rs"));
    assertArrayEquals(
        adapter.weights().get("model.layers.0.self_attn.q_proj").b().data(),
        f.readFloats("blk.0.attn_q.weight.lora_b"),
        "qwen3 uses NeoX RoPE: nothing permuted");
  }

  @Test
  void anAdapterForAnotherBaseIsRefusedByTensor() {
    Path adapterDir = TinyChatModel.adapter(dir.resolve("adapter"), 2); // gate_proj out 128
    String m =
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    GgufLoraExporter.export(
                        adapterDir, Fixtures.reference("mistral-f32"), dir.resolve("x.gguf")))
            .getMessage(); // intermediate 64
    assertTrue(
        m.contains(
            "base_model.model.model.layers.0.mlp.gate_proj.lora_B.weight [128, 8] (expected [64, 8])"),
        m);
  }
}
