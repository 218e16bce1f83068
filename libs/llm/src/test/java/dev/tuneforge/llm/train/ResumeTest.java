package dev.tuneforge.llm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.llm.lora.LoraConfig;
import dev.tuneforge.llm.lora.LoraLinearFactory;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.peft.AdapterConfig;
import dev.tuneforge.llm.peft.PeftAdapterWriter;
import dev.tuneforge.llm.safetensors.SafetensorsCheckpoint;
import dev.tuneforge.llm.train.data.TrainingSequence;
import dev.tuneforge.llm.train.optim.AdamWConfig;
import dev.tuneforge.llm.train.optim.LrSchedule;
import dev.tuneforge.llm.train.optim.TrainableParameter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints are complete or ignored, and resuming reproduces the uninterrupted run bit for bit.
 */
class ResumeTest {
  @TempDir Path dir;

  // 8 rows, micro-batch 2, accumulation 2: 2 steps per epoch, 3 epochs = 6 steps, shuffled per
  // epoch
  private final List<TrainingSequence> rows = TinyRuns.rows(8, 21);

  private TrainingConfig config(Path out) {
    return new TrainingConfig(
        2,
        3,
        0,
        5e-3,
        LrSchedule.Kind.COSINE,
        1,
        null,
        AdamWConfig.DEFAULTS.withWeightDecay(0.1),
        1.0,
        0,
        2,
        0,
        0,
        out,
        false);
  }

  private Trainer trainer(CausalLM model, Path base, Path out) {
    ObjectNode job = JsonNodeFactory.instance.objectNode().put("base_model", base.toString());
    return new Trainer(
        model,
        TrainableSet.full(),
        new FullModelWriter(base),
        TinyRuns.plan(rows, 2, true),
        null,
        config(out),
        job,
        5);
  }

  @Test
  void resumedRunEndsBitwiseEqual() throws IOException {
    Path base = TinyRuns.base(dir.resolve("base"));
    Path straight = dir.resolve("straight");
    try (CausalLM model = TinyRuns.load(base)) {
      TrainingResult r = trainer(model, base, straight).run(TrainingListener.NONE, false);
      assertEquals(6, r.steps());
    }
    Path resumed = dir.resolve("resumed");
    try (CausalLM model = TinyRuns.load(base)) {
      Trainer t = trainer(model, base, resumed);
      TrainingResult r =
          t.run(
              report -> {
                if (report.step() == 3) {
                  t.requestStop(); // "killed" one step after the step-2 checkpoint
                }
              },
              false);
      assertTrue(r.interrupted());
      assertFalse(Files.exists(resumed.resolve(SafetensorsCheckpoint.SINGLE)));
    }
    List<String> messages = new ArrayList<>();
    try (CausalLM model = TinyRuns.load(base)) {
      TrainingResult r = trainer(model, base, resumed).run(collecting(messages), true);
      assertEquals(2, r.resumedFrom(), String.join("\n", messages));
      assertEquals(6, r.steps());
      assertEquals(4, r.losses().size());
    }
    byte[] a = Files.readAllBytes(straight.resolve(SafetensorsCheckpoint.SINGLE));
    byte[] b = Files.readAllBytes(resumed.resolve(SafetensorsCheckpoint.SINGLE));
    assertArrayEquals(
        a, b, "final model.safetensors differs between uninterrupted and resumed runs");
    byte[] base0 = Files.readAllBytes(base.resolve(SafetensorsCheckpoint.SINGLE));
    assertFalse(java.util.Arrays.equals(a, base0), "training must change the weights");
    assertArrayEquals(
        Files.readAllBytes(straight.resolve("checkpoints/step-6/optimizer.safetensors")),
        Files.readAllBytes(resumed.resolve("checkpoints/step-6/optimizer.safetensors")));
    assertTrue(Files.exists(resumed.resolve("config.json")));
  }

  @Test
  void resumedLoraRunWithDropoutEndsBitwiseEqual() throws IOException {
    Path base = TinyRuns.base(dir.resolve("base"));
    // accumulation 2: two micro-batches per step, each with its own masks
    Path straight = dir.resolve("straight");
    assertEquals(6, lora(base, straight, 0.1, 0, false).steps());
    Path resumed = dir.resolve("resumed");
    TrainingResult stopped =
        lora(base, resumed, 0.1, 3, false); // "killed" after step 3; step 2 saved
    assertTrue(stopped.interrupted());
    assertFalse(Files.exists(resumed.resolve(ADAPTER)));
    TrainingResult r = lora(base, resumed, 0.1, 0, true);
    assertEquals(2, r.resumedFrom());
    assertEquals(6, r.steps());
    byte[] a = Files.readAllBytes(straight.resolve(ADAPTER));
    assertArrayEquals(
        a,
        Files.readAllBytes(resumed.resolve(ADAPTER)),
        "adapter differs between the uninterrupted and the resumed run with lora_dropout 0.1");

    Path noDropout = dir.resolve("no-dropout");
    lora(base, noDropout, 0.0, 0, false);
    assertFalse(
        java.util.Arrays.equals(a, Files.readAllBytes(noDropout.resolve(ADAPTER))),
        "lora_dropout 0.1 must change the trained adapter (dropout is active in training)");
  }

  private static final String ADAPTER = "adapter_model.safetensors";

  /** A LoRA run (all linear layers, r 4) stopped after {@code stopAfter} steps (0: to the end). */
  private TrainingResult lora(Path base, Path out, double dropout, int stopAfter, boolean resume) {
    LoraConfig lora = new LoraConfig(4, 8, dropout, List.of(LoraConfig.ALL_LINEAR), false, 5);
    LoraLinearFactory factory = LoraLinearFactory.fresh(lora);
    try (CausalLM model =
        ModelLoader.load(
            new LocalModelSource(base),
            ai.djl.engine.Engine.getInstance().defaultDevice(),
            factory)) {
      TrainableSet adapters =
          m ->
              factory.trainableParameters().entrySet().stream()
                  .map(e -> new TrainableParameter(e.getKey(), e.getValue(), true))
                  .toList();
      OutputWriter peft =
          (m, o) ->
              PeftAdapterWriter.write(
                  o, new AdapterConfig(lora, base.toString()), factory.layers());
      ObjectNode job = JsonNodeFactory.instance.objectNode().put("base_model", base.toString());
      Trainer t =
          new Trainer(
                  model, adapters, peft, TinyRuns.plan(rows, 2, true), null, config(out), job, 5)
              .withRandomLayers(factory);
      return t.run(
          report -> {
            if (report.step() == stopAfter) {
              t.requestStop();
            }
          },
          resume);
    }
  }

  @Test
  void resumeIgnoresIncompleteCheckpointsAndRemovesUnfinishedWrites() throws IOException {
    Path base = TinyRuns.base(dir.resolve("base"));
    Path out = dir.resolve("out");
    try (CausalLM model = TinyRuns.load(base)) {
      trainer(model, base, out).run(TrainingListener.NONE, false);
    }
    Path ck = out.resolve(Checkpoints.DIR);
    assertTrue(
        Files.isDirectory(ck.resolve("step-2"))
            && Files.isDirectory(ck.resolve("step-4"))
            && Files.isDirectory(ck.resolve("step-6")));
    Files.delete(ck.resolve("step-6").resolve(Checkpoints.MANIFEST));
    Path weights = ck.resolve("step-4").resolve(Checkpoints.TRAINABLE);
    byte[] bytes = Files.readAllBytes(weights);
    bytes[bytes.length - 1] ^= 1;
    Files.write(weights, bytes);
    Path unfinished = ck.resolve(".step-8.tmp-123456"); // a write that kill -9 cut short
    Files.createDirectories(unfinished);
    Files.write(unfinished.resolve(Checkpoints.TRAINABLE), new byte[] {1, 2, 3});

    Checkpoints.Scan scan = Checkpoints.latest(out);
    assertEquals(ck.resolve("step-2"), scan.latest().orElseThrow());
    assertEquals(2, scan.rejected().size());
    assertTrue(
        scan.rejected().get(0).contains("step-6")
            && scan.rejected().get(0).contains("manifest.json"),
        scan.rejected().get(0));
    assertTrue(
        scan.rejected().get(1).contains("step-4")
            && scan.rejected().get(1).contains("trainable.safetensors"),
        scan.rejected().get(1));

    List<String> messages = new ArrayList<>();
    try (CausalLM model = TinyRuns.load(base)) {
      TrainingResult r = trainer(model, base, out).run(collecting(messages), true);
      assertEquals(2, r.resumedFrom());
    }
    assertTrue(
        messages.stream()
            .anyMatch(
                m ->
                    m.contains("ignoring")
                        && m.contains("step-4")
                        && m.contains("does not match its sha256")),
        String.join("\n", messages));
    assertFalse(Files.exists(unfinished), "the unfinished write's folder is removed on resume");
    assertTrue(
        messages.stream()
            .anyMatch(
                m ->
                    m.contains("removed unfinished checkpoint write")
                        && m.contains(".step-8.tmp-123456")),
        String.join("\n", messages));
  }

  /** A listener that keeps the trainer's messages (resume decisions, ignored checkpoints). */
  private static TrainingListener collecting(List<String> messages) {
    return new TrainingListener() {
      @Override
      public void onStep(StepReport report) {}

      @Override
      public void onMessage(String message) {
        messages.add(message);
      }
    };
  }
}
