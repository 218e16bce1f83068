package dev.tuneforge.llm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.llm.lora.LoraConfig;
import dev.tuneforge.llm.lora.LoraLinearFactory;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.CheckpointedForward;
import dev.tuneforge.llm.model.LinearFactory;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.quant.Nf4LinearFactory;
import dev.tuneforge.llm.train.data.Batch;
import dev.tuneforge.llm.train.data.DataPosition;
import dev.tuneforge.llm.train.optim.AdamWConfig;
import dev.tuneforge.llm.train.optim.LrSchedule;
import dev.tuneforge.llm.train.optim.TrainableParameter;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gradient checkpointing computes the gradients of the ordinary backward (full, tied, LoRA with
 * dropout, QLoRA), holds no dequantized NF4 weight after the forward, and leaks nothing.
 */
class GradientCheckpointingTest {
  @TempDir Path dir;

  private static final double RELATIVE = 1e-5;

  /** A model plus what trains in it and its random layers. */
  private record Setup(CausalLM model, Map<String, NDArray> trainable, RandomLayers random) {}

  @Test
  void fullFineTuningGradientsEqualTheUncheckpointedOnes() {
    assertSameGradients(TinyRuns.config(), null);
  }

  @Test
  void tiedEmbeddingGetsTheHeadAndTheLookupGradients() {
    ObjectNode c = TinyRuns.config();
    c.put("tie_word_embeddings", true);
    assertSameGradients(c, null);
  }

  @Test
  void loraWithDropoutGradientsEqualTheUncheckpointedOnes() {
    assertSameGradients(TinyRuns.config(), () -> lora(0.1, null));
  }

  @Test
  void qloraWithDropoutGradientsEqualTheUncheckpointedOnes() {
    assertSameGradients(QloraTrainingTest.config(), () -> lora(0.1, new Nf4LinearFactory()));
  }

  @Test
  void oneTrainerStepGivesTheSameLossAndWeights() {
    // two accumulated micro-batches with LoRA dropout: masks keyed per micro-batch and replayed
    Path base = ModelInit.write(dir.resolve("base"), TinyRuns.config(), 11);
    double[] losses = new double[2];
    Map<String, float[]>[] weights = new Map[2];
    for (int run = 0; run < 2; run++) {
      Map<String, float[]> trained = new LinkedHashMap<>();
      LoraLinearFactory f = lora(0.1, null);
      try (CausalLM model =
          ModelLoader.load(new LocalModelSource(base), Engine.getInstance().defaultDevice(), f)) {
        randomiseLoraB(f.trainableParameters());
        TrainingConfig cfg =
            new TrainingConfig(
                    2,
                    1,
                    1,
                    1e-3,
                    LrSchedule.Kind.CONSTANT,
                    null,
                    null,
                    AdamWConfig.DEFAULTS,
                    1.0,
                    0,
                    0,
                    0,
                    0,
                    dir.resolve("out" + run),
                    false)
                .withGradientCheckpointing(run == 1);
        TrainableSet adapters =
            m ->
                f.trainableParameters().entrySet().stream()
                    .map(e -> new TrainableParameter(e.getKey(), e.getValue(), true))
                    .toList();
        TrainingResult r =
            new Trainer(
                    model,
                    adapters,
                    (m, out) -> {},
                    TinyRuns.plan(TinyRuns.rows(8, 2), 2, false),
                    null,
                    cfg,
                    null,
                    5)
                .withRandomLayers(f)
                .run(TrainingListener.NONE, false);
        losses[run] = r.losses().get(0);
        f.trainableParameters().forEach((n, a) -> trained.put(n, a.toFloatArray()));
        weights[run] = trained;
      }
    }
    assertEquals(losses[0], losses[1], RELATIVE * Math.abs(losses[0]), "loss");
    weights[0].forEach((n, w) -> assertClose(n, w, weights[1].get(n)));
  }

  @Test
  void qloraHoldsNoDequantizedWeightAfterTheCheckpointedForward() {
    ObjectNode c = QloraTrainingTest.config();
    int layers = 4;
    c.put("num_hidden_layers", layers);
    Path base = ModelInit.write(dir.resolve("base"), c, 11);
    Batch batch = TinyRuns.plan(TinyRuns.rows(4, 7), 4, false).batch(DataPosition.START);
    long[] held = new long[2];
    long perLayer = 0;
    for (int run = 0; run < 2; run++) {
      Nf4LinearFactory nf4 = new Nf4LinearFactory();
      LoraLinearFactory f = lora(0.0, nf4);
      try (CausalLM model =
          ModelLoader.load(new LocalModelSource(base), Engine.getInstance().defaultDevice(), f)) {
        perLayer =
            4 * nf4.parameters() / layers; // float32 bytes of one layer's dequantized projections
        f.trainableParameters().values().forEach(p -> p.setRequiresGradient(true));
        Set<NDArray> owned = Collections.newSetFromMap(new IdentityHashMap<>());
        owned.addAll(model.manager().getManagedArrays());
        try (NDManager step = model.newStepManager();
            GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          NDArray one = step.full(new Shape(), 1f, DataType.FLOAT32);
          if (run == 0) {
            // keep the handles: the count below sees only what the step's manager references
            // (scoped layers close theirs, while autograd still holds the dequantized weights)
            dev.tuneforge.llm.model.LayerScopes.keepIntermediates(true);
            NDArray loss;
            try {
              loss = CrossEntropy.sumAllPositions(model, step, batch);
            } finally {
              dev.tuneforge.llm.model.LayerScopes.keepIntermediates(false);
            }
            held[run] = bytes(step, owned);
            collector.backward(loss);
          } else {
            CrossEntropy.Inputs in = CrossEntropy.inputs(step, batch);
            CheckpointedForward ck =
                CheckpointedForward.run(
                    model,
                    step,
                    in.ids(),
                    in.positions(),
                    in.bias(),
                    logits -> CrossEntropy.sumOfLogits(step, batch, logits).div(one));
            held[run] = bytes(step, owned);
            ck.backward(collector, () -> {});
          }
        }
        f.trainableParameters().values().forEach(p -> p.setRequiresGradient(false));
      }
    }
    assertTrue(
        held[0] - held[1] >= (layers - 1) * perLayer,
        "held after forward: plain "
            + held[0]
            + " B, checkpointed "
            + held[1]
            + " B; one layer's dequantized weights "
            + perLayer
            + " B");
  }

  @Test
  void manyCheckpointedQloraStepsLeakNoArrays() {
    Path base = ModelInit.write(dir.resolve("base"), QloraTrainingTest.config(), 11);
    LoraLinearFactory f = lora(0.1, new Nf4LinearFactory());
    try (CausalLM model =
        ModelLoader.load(new LocalModelSource(base), Engine.getInstance().defaultDevice(), f)) {
      TrainableSet adapters =
          m ->
              f.trainableParameters().entrySet().stream()
                  .map(e -> new TrainableParameter(e.getKey(), e.getValue(), true))
                  .toList();
      assertFlatArrayCounts(model, adapters, f);
    }
  }

  @Test
  void manyCheckpointedFullStepsWithTiedEmbeddingsLeakNoArrays() {
    ObjectNode c = TinyRuns.config();
    c.put("tie_word_embeddings", true); // the embedding's extra backward runs every micro-batch
    try (CausalLM model = TinyRuns.load(ModelInit.write(dir.resolve("base"), c, 11))) {
      assertFlatArrayCounts(model, TrainableSet.full(), RandomLayers.NONE);
    }
  }

  /**
   * 25 checkpointed steps of 2 micro-batches: model and system array counts equal at steps 5 and
   * 25.
   */
  private void assertFlatArrayCounts(CausalLM model, TrainableSet trainable, RandomLayers random) {
    TrainingConfig cfg =
        new TrainingConfig(
                2,
                1,
                25,
                1e-3,
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
                false)
            .withGradientCheckpointing(true);
    try (NDManager probe = NDManager.newBaseManager()) {
      NDManager system = probe.getParentManager();
      int[][] counts = new int[2][2];
      TrainingListener listener =
          report -> {
            if (report.step() == 5 || report.step() == 25) {
              int at = report.step() == 5 ? 0 : 1;
              counts[at][0] = model.manager().getManagedArrays().size();
              counts[at][1] = system.getManagedArrays().size();
            }
          };
      TrainingResult r =
          new Trainer(
                  model,
                  trainable,
                  (m, out) -> {},
                  TinyRuns.plan(TinyRuns.rows(8, 2), 2, true),
                  null,
                  cfg,
                  null,
                  5)
              .withRandomLayers(random)
              .run(listener, false);
      assertEquals(25, r.steps());
      assertTrue(counts[0][0] > 0, "counted at step 5");
      assertEquals(counts[0][0], counts[1][0], "model manager arrays, step 5 vs 25");
      assertEquals(counts[0][1], counts[1][1], "system manager arrays, step 5 vs 25");
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static LoraLinearFactory lora(double dropout, LinearFactory base) {
    LoraConfig c = new LoraConfig(4, 8, dropout, List.of(LoraConfig.ALL_LINEAR), false, 3);
    return base == null ? LoraLinearFactory.fresh(c) : LoraLinearFactory.fresh(c, base);
  }

  /** Fresh B is zero, which zeroes A's gradient; random B makes every factor's gradient count. */
  private static void randomiseLoraB(Map<String, NDArray> trainable) {
    SplittableRandom rnd = new SplittableRandom(17);
    trainable.forEach(
        (n, a) -> {
          if (n.endsWith("lora_B.weight")) {
            float[] v = new float[Math.toIntExact(a.size())];
            for (int i = 0; i < v.length; i++) {
              v[i] = (float) (rnd.nextDouble() - 0.5) * 0.1f;
            }
            a.set(FloatBuffer.wrap(v));
          }
        });
  }

  /**
   * Gradients of one micro-batch (step 1, micro-batch 0) without and with checkpointing, each on a
   * freshly loaded model, compared per tensor.
   *
   * @param adapters LoRA factory to load with, or null for full fine-tuning
   */
  private void assertSameGradients(ObjectNode config, Supplier<LoraLinearFactory> adapters) {
    Path base = ModelInit.write(dir.resolve("base"), config, 11);
    Batch batch = TinyRuns.plan(TinyRuns.rows(4, 7), 4, false).batch(DataPosition.START);
    Map<String, float[]> plain = gradients(base, adapters, batch, false);
    Map<String, float[]> checkpointed = gradients(base, adapters, batch, true);
    assertEquals(plain.keySet(), checkpointed.keySet());
    double total = 0;
    for (Map.Entry<String, float[]> e : plain.entrySet()) {
      assertClose(e.getKey(), e.getValue(), checkpointed.get(e.getKey()));
      for (float v : e.getValue()) {
        total += Math.abs(v);
      }
    }
    assertTrue(total > 0, "the gradients must not all be zero, else equality shows nothing");
  }

  private static Map<String, float[]> gradients(
      Path base, Supplier<LoraLinearFactory> adapters, Batch batch, boolean checkpointed) {
    LoraLinearFactory f = adapters == null ? null : adapters.get();
    try (CausalLM model =
        f == null
            ? ModelLoader.load(new LocalModelSource(base))
            : ModelLoader.load(
                new LocalModelSource(base), Engine.getInstance().defaultDevice(), f)) {
      Map<String, NDArray> trainable = f == null ? model.parameters() : f.trainableParameters();
      RandomLayers random = f == null ? RandomLayers.NONE : f;
      if (f != null) {
        randomiseLoraB(trainable);
      }
      random.setTraining(true);
      trainable.values().forEach(p -> p.setRequiresGradient(true));
      Map<String, float[]> grads = new LinkedHashMap<>();
      try (NDManager step = model.newStepManager();
          GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        random.startMicroBatch(1, 0);
        NDArray denominator =
            step.full(new Shape(), (float) batch.targetTokens(), DataType.FLOAT32);
        if (checkpointed) {
          CrossEntropy.Inputs in = CrossEntropy.inputs(step, batch);
          CheckpointedForward ck =
              CheckpointedForward.run(
                  model,
                  step,
                  in.ids(),
                  in.positions(),
                  in.bias(),
                  logits -> CrossEntropy.sumOfLogits(step, batch, logits).div(denominator));
          System.gc(); // NOTES.md: scalars freed between forward and backward would show here
          ck.backward(collector, () -> random.startMicroBatch(1, 0));
        } else {
          NDArray loss = CrossEntropy.sum(model, step, batch).div(denominator);
          System.gc();
          collector.backward(loss);
        }
        // parameters are lent to the step: the gradient handles land there and close with it
        trainable.forEach((n, p) -> grads.put(n, p.getGradient().toFloatArray()));
      }
      trainable.values().forEach(p -> p.setRequiresGradient(false));
      random.setTraining(false);
      return grads;
    }
  }

  /** {@code max|a − b| ≤ 1e-5 · max|a|} over the tensor. */
  private static void assertClose(String name, float[] expected, float[] actual) {
    assertEquals(expected.length, actual.length, name);
    double scale = 0;
    double diff = 0;
    for (int i = 0; i < expected.length; i++) {
      scale = Math.max(scale, Math.abs(expected[i]));
      diff = Math.max(diff, Math.abs(expected[i] - actual[i]));
    }
    assertTrue(
        diff <= RELATIVE * scale + 1e-12, name + ": max diff " + diff + " vs max |value| " + scale);
  }

  private static long bytes(NDManager step, Set<NDArray> owned) {
    return step.getManagedArrays().stream()
        .filter(a -> !owned.contains(a) && !a.isReleased())
        .mapToLong(a -> a.size() * a.getDataType().getNumOfBytes())
        .sum();
  }
}
