package dev.tuneforge.llm.train.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.llm.Fixtures;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.LinearFactory;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.peft.AdapterConfig;
import dev.tuneforge.llm.peft.AdapterLoader;
import dev.tuneforge.llm.peft.PeftAdapter;
import dev.tuneforge.llm.peft.PeftFixtures;
import dev.tuneforge.llm.quant.Nf4LinearFactory;
import dev.tuneforge.llm.safetensors.SafetensorsFile;
import dev.tuneforge.llm.safetensors.TensorInfo;
import dev.tuneforge.llm.score.Scorer;
import dev.tuneforge.llm.tokenizer.Tokenizer;
import dev.tuneforge.llm.train.StepReport;
import dev.tuneforge.llm.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A lora/qlora job with {@code lora_model_dir} starts at a PEFT-written adapter and trains it on.
 */
class ContinuedTrainingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ADAPTER =
      "llama3-lora"; // PEFT 0.21: r 4, alpha 8, q/v/down_proj, dropout 0.05
  private static final String TEXT = "the quick brown fox jumps over the lazy dog";
  private static final int[] IDS = {0, 5, 288, 61, 61, 140, 201, 3, 77, 12, 250};
  @TempDir Path dir;

  private static Path base() {
    return Fixtures.reference("llama3-bf16");
  }

  /**
   * One text example, one micro-batch per step, no dropout: step 1's loss is the start point's
   * loss.
   */
  private JobConfig job(String adapter, String out, int maxSteps, int saveSteps)
      throws IOException {
    Files.writeString(dir.resolve("train.jsonl"), "{\"text\": \"" + TEXT + "\"}\n");
    ObjectNode j = JSON.createObjectNode();
    j.put("base_model", base().toString());
    j.put("adapter", adapter);
    j.put("lora_model_dir", PeftFixtures.adapter(ADAPTER).toString());
    j.put("lora_dropout", 0.0);
    j.putArray("datasets").addObject().put("path", "train.jsonl").put("type", "text");
    j.put("sequence_len", 64);
    j.put("micro_batch_size", 1);
    j.put("max_steps", maxSteps);
    j.put("learning_rate", 0.01);
    j.put("lr_scheduler", "constant");
    j.put("save_steps", saveSteps);
    j.put("seed", 3);
    j.put("output_dir", out);
    return JobConfig.parse(j, dir);
  }

  private static final class Recorder implements TrainingListener {
    final List<Double> losses = new ArrayList<>();
    final List<String> messages = new ArrayList<>();

    @Override
    public void onStep(StepReport r) {
      losses.add(r.loss());
    }

    @Override
    public void onMessage(String m) {
      messages.add(m);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"lora", "qlora"})
  void modelStartsAtTheAdapterAsTheInferencePathLoadsIt(String kind) throws IOException {
    Recorder log = new Recorder();
    float[] continued;
    try (JobRunner.LoraModel lm = JobRunner.buildLora(job(kind, "out", 1, 0), log)) {
      continued = Scorer.logprobs(lm.model(), IDS);
      assertEquals(6, lm.factory().layers().size(), "q_proj, v_proj, down_proj in 2 layers");
    }
    assertTrue(
        log.messages.stream()
            .anyMatch(
                m ->
                    m.startsWith(
                        "continuing from the PEFT adapter in " + PeftFixtures.adapter(ADAPTER))),
        log.messages.toString());
    PeftAdapter adapter = PeftAdapter.read(PeftFixtures.adapter(ADAPTER));
    float[] inference;
    try (AdapterLoader.Adapted a =
        AdapterLoader.load(
            new LocalModelSource(base()),
            adapter,
            Engine.getInstance().defaultDevice(),
            kind.equals("qlora") ? new Nf4LinearFactory() : LinearFactory.plain())) {
      inference = Scorer.logprobs(a.model(), IDS);
    }
    assertArrayEquals(inference, continued, 1e-5f);
  }

  @Test
  void firstStepLossIsTheAdaptersAndTrainingMovesItInThePeftLayout() throws IOException {
    Recorder log = new Recorder();
    JobRunner.run(job("lora", "out", 3, 0), log, false);
    assertEquals(3, log.losses.size());

    int[] ids;
    try (Tokenizer tok = Tokenizer.load(base())) {
      int[] text = tok.encode(TEXT, true);
      ids = Arrays.copyOf(text, text.length + 1);
      ids[text.length] = tok.eosIds()[0]; // a text example is trained with its EOS
    }
    double withAdapter;
    try (AdapterLoader.Adapted a =
        AdapterLoader.load(new LocalModelSource(base()), PeftFixtures.adapter(ADAPTER))) {
      withAdapter = meanNll(Scorer.logprobs(a.model(), ids));
    }
    double baseOnly; // what a fresh start (B = 0) would report
    try (CausalLM m = ModelLoader.load(new LocalModelSource(base()))) {
      baseOnly = meanNll(Scorer.logprobs(m, ids));
    }
    assertTrue(Math.abs(withAdapter - baseOnly) > 1e-3, withAdapter + " vs " + baseOnly);
    assertEquals(withAdapter, log.losses.get(0), 1e-5 * withAdapter);

    Path out = dir.resolve("out");
    Map<String, TensorInfo> fixture = tensors(PeftFixtures.adapter(ADAPTER));
    Map<String, TensorInfo> written = tensors(out);
    assertEquals(fixture.keySet(), written.keySet());
    for (String name : fixture.keySet()) {
      assertArrayEquals(fixture.get(name).shape(), written.get(name).shape(), name);
    }
    PeftAdapter before = PeftAdapter.read(PeftFixtures.adapter(ADAPTER));
    PeftAdapter after = PeftAdapter.read(out);
    // A and B both moved: the adapter's tensors were trained, not frozen
    for (String module : before.weights().keySet()) {
      assertFalse(
          Arrays.equals(
              before.weights().get(module).a().data(), after.weights().get(module).a().data()),
          module + " lora_A unchanged");
      assertFalse(
          Arrays.equals(
              before.weights().get(module).b().data(), after.weights().get(module).b().data()),
          module + " lora_B unchanged");
    }
    JsonNode config = JSON.readTree(Files.readString(out.resolve(AdapterConfig.FILE)));
    assertEquals(4, config.get("r").asInt());
    assertEquals(8, config.get("lora_alpha").asInt());
    assertFalse(config.get("use_rslora").asBoolean());
    assertEquals(base().toString(), config.get("base_model_name_or_path").asText());
  }

  @Test
  void resumeContinuesFromTheCheckpointNotFromTheAdapter() throws IOException {
    Recorder full = new Recorder();
    JobRunner.run(job("lora", "full", 4, 2), full, false);
    byte[] uninterrupted =
        Files.readAllBytes(dir.resolve("full").resolve(PeftAdapter.WEIGHTS_FILE));

    // Same run, then as if killed after the step-2 checkpoint: resume must load step 2's A/B over
    // the adapter's, or steps 3-4 would start from the adapter again and end elsewhere.
    JobRunner.run(job("lora", "cut", 4, 2), new Recorder(), false);
    Path cut = dir.resolve("cut");
    try (var w = Files.walk(cut.resolve("checkpoints/step-4"))) {
      for (Path f : w.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
    Files.delete(cut.resolve(PeftAdapter.WEIGHTS_FILE));
    Recorder resumed = new Recorder();
    JobRunner.run(job("lora", "cut", 4, 2), resumed, true);
    assertTrue(
        resumed.messages.stream()
            .anyMatch(m -> m.startsWith("resuming from") && m.contains("step-2")),
        resumed.messages.toString());
    assertEquals(full.losses.subList(2, 4), resumed.losses);
    assertArrayEquals(uninterrupted, Files.readAllBytes(cut.resolve(PeftAdapter.WEIGHTS_FILE)));
  }

  private static double meanNll(float[] logprobs) {
    double s = 0;
    for (float l : logprobs) {
      s -= l;
    }
    return s / logprobs.length;
  }

  private static Map<String, TensorInfo> tensors(Path adapterDir) {
    try (SafetensorsFile f = SafetensorsFile.open(adapterDir.resolve(PeftAdapter.WEIGHTS_FILE))) {
      return new TreeMap<>(f.tensors());
    }
  }
}
