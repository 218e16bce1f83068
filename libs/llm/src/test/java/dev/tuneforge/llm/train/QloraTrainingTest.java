package dev.tuneforge.llm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.llm.lora.LoraConfig;
import dev.tuneforge.llm.lora.LoraLinearFactory;
import dev.tuneforge.llm.lora.LoraParameters;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.quant.Nf4Linear;
import dev.tuneforge.llm.quant.Nf4LinearFactory;
import dev.tuneforge.llm.quant.Nf4Tensor;
import dev.tuneforge.llm.safetensors.DType;
import dev.tuneforge.llm.safetensors.FloatTensor;
import dev.tuneforge.llm.safetensors.SafetensorsFile;
import dev.tuneforge.llm.safetensors.SafetensorsWriter;
import dev.tuneforge.llm.safetensors.TensorInfo;
import dev.tuneforge.llm.score.Scorer;
import dev.tuneforge.llm.train.optim.AdamWConfig;
import dev.tuneforge.llm.train.optim.LrSchedule;
import dev.tuneforge.llm.train.optim.TrainableParameter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QLoRA in the training loop: adapters learn over a frozen NF4 base that stays NF4 and leaks
 * nothing.
 */
class QloraTrainingTest {
  @TempDir Path dir;

  /**
   * TinyRuns' Llama with hidden 128: tensors of ≥ 128 blocks, so the absmax group padding stays
   * small.
   */
  static ObjectNode config() {
    ObjectNode c = TinyRuns.config();
    c.put("hidden_size", 128);
    c.put("intermediate_size", 256);
    return c;
  }

  private static LoraLinearFactory qlora(Nf4LinearFactory nf4) {
    return LoraLinearFactory.fresh(
        new LoraConfig(4, 8, 0.0, List.of(LoraConfig.ALL_LINEAR), false, 3), nf4);
  }

  @Test
  void lossFallsWhileOnlyAdaptersChangeAndTheNf4BaseStaysPutWithoutLeaks() {
    Path base = ModelInit.write(dir.resolve("base"), config(), 11);
    Nf4LinearFactory nf4 = new Nf4LinearFactory();
    LoraLinearFactory f = qlora(nf4);
    TrainingConfig cfg =
        new TrainingConfig(
            1,
            1,
            60,
            1e-2,
            LrSchedule.Kind.CONSTANT,
            null,
            null,
            AdamWConfig.DEFAULTS,
            1.0,
            0,
            0,
            0,
            0,
            dir.resolve("out"),
            false);
    try (CausalLM model =
            ModelLoader.load(new LocalModelSource(base), Engine.getInstance().defaultDevice(), f);
        NDManager probe = NDManager.newBaseManager()) {
      NDManager system = probe.getParentManager();
      assertEquals(14, nf4.layers().size(), "q/k/v/o/gate/up/down of 2 layers are NF4");
      assertTrue(
          nf4.bytesPerParameter() <= 0.6,
          "resident NF4 base: " + nf4.bytesPerParameter() + " bytes/param");
      Map<String, float[]> frozen = new HashMap<>();
      model
          .parameters()
          .forEach(
              (n, a) -> {
                if (!LoraParameters.isLora(n)) {
                  frozen.put(n, a.toFloatArray());
                }
              });
      assertFalse(
          frozen.keySet().stream().anyMatch(n -> n.contains("_proj.weight")),
          "no float weight of a decoder projection remains: " + frozen.keySet());
      Map<String, byte[]> codes = new HashMap<>();
      nf4.layers().forEach(l -> codes.put(l.name(), l.quantized().codeBytes()));
      Map<String, float[]> loraBefore = new HashMap<>();
      f.trainableParameters().forEach((n, a) -> loraBefore.put(n, a.toFloatArray()));

      long floatBytes = bytes(new ArrayList<>(model.parameters().values()));
      long loraBytes = bytes(new ArrayList<>(f.trainableParameters().values()));
      List<Double> losses = new ArrayList<>();
      int[][] counts = new int[2][2];
      long[] residentAtStep5 = new long[1];
      TrainingListener listener =
          report -> {
            losses.add(report.loss());
            if (report.step() == 5 || report.step() == 60) {
              int at = report.step() == 5 ? 0 : 1;
              counts[at][0] = model.manager().getManagedArrays().size();
              counts[at][1] = system.getManagedArrays().size();
              if (at == 0) {
                residentAtStep5[0] = bytes(model.manager().getManagedArrays());
              }
            }
          };
      TrainableSet adapters =
          m ->
              f.trainableParameters().entrySet().stream()
                  .map(e -> new TrainableParameter(e.getKey(), e.getValue(), true))
                  .toList();
      new Trainer(
              model,
              adapters,
              (m, out) -> {},
              TinyRuns.plan(TinyRuns.rows(8, 2), 2, true),
              null,
              cfg,
              null,
              5)
          .run(listener, false);

      double first = losses.get(0);
      double last =
          losses.subList(55, 60).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      assertTrue(last < 0.85 * first, "loss " + first + " -> " + last);
      model
          .parameters()
          .forEach(
              (n, a) -> {
                if (!LoraParameters.isLora(n)) {
                  assertArrayEquals(frozen.get(n), a.toFloatArray(), n + " is frozen");
                }
              });
      for (Nf4Linear l : nf4.layers()) {
        assertArrayEquals(
            codes.get(l.name()), l.quantized().codeBytes(), l.name() + ": NF4 codes unchanged");
      }
      f.trainableParameters()
          .forEach(
              (n, a) -> {
                if (n.endsWith("lora_B.weight")) {
                  assertFalse(
                      java.util.Arrays.equals(loraBefore.get(n), a.toFloatArray()), n + " trained");
                }
              });
      assertArrayEquals(counts[0], counts[1], "model/system array counts at step 5 vs step 60");
      // Between steps the model's manager holds the float tensors (embedding, norms, lm_head,
      // LoRA),
      // the NF4 base and AdamW's two moments per LoRA tensor: no dequantized weight is left over.
      long expected = floatBytes + nf4.residentBytes() + 2 * loraBytes;
      assertTrue(
          residentAtStep5[0] <= expected + 16 * 1024,
          "resident between steps " + residentAtStep5[0] + " bytes, expected about " + expected);
      long dequantized = 4 * nf4.parameters();
      assertTrue(
          residentAtStep5[0] < expected - nf4.residentBytes() + dequantized / 2,
          "resident between steps must not hold the float32 base (" + dequantized + " bytes)");
    }
  }

  @Test
  void freshQloraModelComputesExactlyTheDequantizedBase() throws IOException {
    Path base = ModelInit.write(dir.resolve("base"), config(), 11);
    Path deq = dir.resolve("dequantized");
    Files.createDirectories(deq);
    Files.copy(base.resolve("config.json"), deq.resolve("config.json"));
    Map<String, FloatTensor> tensors = new LinkedHashMap<>();
    try (SafetensorsFile in = SafetensorsFile.open(base.resolve("model.safetensors"))) {
      for (TensorInfo t : in.tensors().values()) {
        float[] data = in.readFloats(t.name());
        String module = t.name().replaceFirst("\\.weight$", "");
        if (t.shape().length == 2
            && !module.contains("embed_tokens")
            && Nf4LinearFactory.quantizes(module)) {
          data =
              Nf4Tensor.quantize(data, t.shape(), true)
                  .dequantize(); // W → W_deq, the Java reference
        }
        tensors.put(t.name(), new FloatTensor(t.shape(), data));
      }
    }
    SafetensorsWriter.write(deq.resolve("model.safetensors"), tensors, DType.F32);
    int[] ids = {3, 17, 42, 5, 9, 60, 1, 33, 12};
    Nf4LinearFactory nf4 = new Nf4LinearFactory();
    try (CausalLM q =
            ModelLoader.load(
                new LocalModelSource(base), Engine.getInstance().defaultDevice(), qlora(nf4));
        CausalLM reference = ModelLoader.load(new LocalModelSource(deq));
        CausalLM original = ModelLoader.load(new LocalModelSource(base))) {
      float[] got = Scorer.logprobs(q, ids);
      assertArrayEquals(
          Scorer.logprobs(reference, ids), got, "B = 0: the dequantized base, bit for bit");
      float[] unquantized = Scorer.logprobs(original, ids);
      double diff = 0;
      for (int i = 0; i < got.length; i++) {
        diff = Math.max(diff, Math.abs(got[i] - unquantized[i]));
      }
      assertTrue(
          diff > 1e-4,
          "NF4 must change the base's function at all, else the test shows nothing: " + diff);
    }
  }

  private static long bytes(List<NDArray> arrays) {
    return arrays.stream().mapToLong(a -> a.size() * a.getDataType().getNumOfBytes()).sum();
  }
}
