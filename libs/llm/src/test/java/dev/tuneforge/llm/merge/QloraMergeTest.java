package dev.tuneforge.llm.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneforge.llm.Fixtures;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.peft.AdapterLoader;
import dev.tuneforge.llm.peft.PeftAdapter;
import dev.tuneforge.llm.peft.PeftFixtures;
import dev.tuneforge.llm.peft.QloraBase;
import dev.tuneforge.llm.quant.Nf4LinearFactory;
import dev.tuneforge.llm.score.Scorer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A QLoRA adapter merged into the dequantized base computes what it computed on the NF4 base. */
class QloraMergeTest {
  @TempDir Path dir;

  @Test
  void mergeIntoTheDequantizedBaseEqualsNf4BasePlusAdapter() {
    Path base = Fixtures.reference("mistral-f32");
    Path adapterDir = PeftFixtures.copy("mistral-lora", dir.resolve("adapter"));
    LoraMerger.Result deq = LoraMerger.merge(base, adapterDir, dir.resolve("merged-deq"), true);
    assertEquals(
        14,
        deq.dequantizedModules(),
        "every decoder projection of 2 layers, as QLoRA quantizes them");
    assertFalse(deq.trainedOnNf4(), "the PEFT fixture carries no qlora_base.json");
    LoraMerger.Result plain = LoraMerger.merge(base, adapterDir, dir.resolve("merged-plain"));
    assertEquals(0, plain.dequantizedModules());
    double vsNf4 = 0;
    double plainVsNf4 = 0;
    try (AdapterLoader.Adapted nf4 =
            AdapterLoader.load(
                new LocalModelSource(base),
                PeftAdapter.read(adapterDir),
                Engine.getInstance().defaultDevice(),
                new Nf4LinearFactory());
        CausalLM merged = ModelLoader.load(new LocalModelSource(dir.resolve("merged-deq")));
        CausalLM mergedPlain =
            ModelLoader.load(new LocalModelSource(dir.resolve("merged-plain")))) {
      for (JsonNode seq : PeftFixtures.expected("mistral-lora").get("sequences")) {
        int[] ids = Fixtures.ints(seq.get("ids"));
        float[] q = Scorer.logprobs(nf4.model(), ids);
        float[] m = Scorer.logprobs(merged, ids);
        float[] p = Scorer.logprobs(mergedPlain, ids);
        for (int i = 0; i < q.length; i++) {
          vsNf4 = Math.max(vsNf4, Math.abs(m[i] - q[i]));
          plainVsNf4 = Math.max(plainVsNf4, Math.abs(p[i] - q[i]));
        }
      }
    }
    System.out.printf(
        "QLoRA merge: max |merged(W_deq) - NF4+adapter| = %.3g; merged(W) differs by %.3g%n",
        vsNf4, plainVsNf4);
    assertTrue(vsNf4 < 1e-4, "merged into W_deq vs NF4 base + adapter: " + vsNf4);
    assertTrue(
        plainVsNf4 > 1e-3,
        "merging into the original weights is a different function: " + plainVsNf4);
  }

  @Test
  void theTrainersNoteDecidesWhichModulesAreDequantized() {
    Path base = Fixtures.reference("mistral-f32");
    Path adapterDir = PeftFixtures.copy("mistral-lora", dir.resolve("adapter"));
    new QloraBase(List.of("model.layers.0.self_attn.q_proj", "model.layers.1.mlp.down_proj"))
        .write(adapterDir);
    LoraMerger.Result r = LoraMerger.merge(base, adapterDir, dir.resolve("merged"), true);
    assertTrue(r.trainedOnNf4());
    assertEquals(2, r.dequantizedModules());

    new QloraBase(List.of("model.layers.0.self_attn.q_proj", "model.layers.7.mlp.up_proj"))
        .write(adapterDir);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LoraMerger.merge(base, adapterDir, dir.resolve("merged2"), true));
    assertTrue(
        e.getMessage().contains("model.layers.7.mlp.up_proj")
            && e.getMessage().contains(QloraBase.FILE),
        e.getMessage());
  }
}
