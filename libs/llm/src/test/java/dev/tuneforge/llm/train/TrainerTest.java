package dev.tuneforge.llm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.tuneforge.llm.lora.LoraConfig;
import dev.tuneforge.llm.lora.LoraLinear;
import dev.tuneforge.llm.lora.LoraLinearFactory;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.train.data.TrainingSequence;
import dev.tuneforge.llm.train.optim.AdamWConfig;
import dev.tuneforge.llm.train.optim.LrSchedule;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loop: accumulation, learning, evaluation, early stopping, memory. */
class TrainerTest {
  @TempDir Path dir;

  private static final OutputWriter NO_OUTPUT = (model, out) -> {};

  @Test
  void accumulatingMicroBatchesEqualsOneLargerBatch() {
    Path base = TinyRuns.base(dir.resolve("base"));
    List<TrainingSequence> rows = TinyRuns.rows(6, 3); // lengths differ: padding differs per split
    TrainingConfig cfg =
        new TrainingConfig(
            3,
            1,
            1,
            1e-3,
            LrSchedule.Kind.CONSTANT,
            null,
            null,
            AdamWConfig.DEFAULTS.withWeightDecay(0.01),
            1.0,
            0,
            0,
            0,
            0,
            dir.resolve("a"),
            false);
    try (CausalLM accumulated = TinyRuns.load(base);
        CausalLM big = TinyRuns.load(base)) {
      Map<String, float[]> before = snapshot(accumulated);
      TrainingResult a =
          new Trainer(
                  accumulated,
                  TrainableSet.full(),
                  NO_OUTPUT,
                  TinyRuns.plan(rows, 2, false),
                  null,
                  cfg,
                  null,
                  5)
              .run(TrainingListener.NONE, false);
      TrainingResult b =
          new Trainer(
                  big,
                  TrainableSet.full(),
                  NO_OUTPUT,
                  TinyRuns.plan(rows, 6, false),
                  null,
                  new TrainingConfig(
                      1,
                      1,
                      1,
                      1e-3,
                      LrSchedule.Kind.CONSTANT,
                      null,
                      null,
                      AdamWConfig.DEFAULTS.withWeightDecay(0.01),
                      1.0,
                      0,
                      0,
                      0,
                      0,
                      dir.resolve("b"),
                      false),
                  null,
                  5)
              .run(TrainingListener.NONE, false);
      assertEquals(1, a.losses().size());
      assertEquals(b.losses().get(0), a.losses().get(0), 1e-5);
      double moved = 0;
      for (Map.Entry<String, NDArray> e : accumulated.parameters().entrySet()) {
        float[] x = e.getValue().toFloatArray();
        float[] y = big.parameters().get(e.getKey()).toFloatArray();
        float[] x0 = before.get(e.getKey());
        for (int i = 0; i < x.length; i++) {
          assertEquals(y[i], x[i], 1e-5, e.getKey() + "[" + i + "]");
          moved = Math.max(moved, Math.abs(x[i] - x0[i]));
        }
      }
      assertTrue(
          moved > 5e-4, "the step must move the weights more than the tolerance; moved " + moved);
    }
  }

  @Test
  void lossFallsOnAMemorisableTask() {
    Path base = TinyRuns.base(dir.resolve("base"));
    TrainingConfig cfg =
        new TrainingConfig(
            1,
            1,
            40,
            1e-2,
            LrSchedule.Kind.COSINE,
            4,
            null,
            AdamWConfig.DEFAULTS,
            1.0,
            0,
            0,
            0,
            0,
            dir.resolve("out"),
            false);
    List<StepReport> reports = new ArrayList<>();
    try (CausalLM model = TinyRuns.load(base)) {
      TrainingResult r =
          new Trainer(
                  model,
                  TrainableSet.full(),
                  NO_OUTPUT,
                  TinyRuns.plan(TinyRuns.rows(4, 1), 4, true),
                  null,
                  cfg,
                  null,
                  5)
              .run(reports::add, false);
      assertEquals(40, r.steps());
      double first = r.losses().get(0);
      double last = r.losses().get(r.losses().size() - 1);
      assertTrue(first > 3.5, "an untrained model is near ln(64) = 4.16, got " + first);
      assertTrue(last < 0.5 * first, "loss " + first + " -> " + last);
      StepReport end = reports.get(39);
      assertEquals(40, end.step());
      assertEquals(40, end.totalSteps());
      assertTrue(end.tokensPerSecond() > 0 && end.gradNorm() > 0);
      assertEquals(0.0, end.etaSeconds(), 1e-9);
      assertEquals(0.0, reports.get(0).learningRate(), 0.0); // warmup starts at lr 0, as HF
    }
  }

  @Test
  void evaluatesAndStopsEarlyWithoutImprovement() {
    Path base = TinyRuns.base(dir.resolve("base"));
    // min_delta 100: only the first evaluation (against +inf) counts as an improvement
    TrainingConfig cfg =
        new TrainingConfig(
            1,
            1,
            20,
            1e-3,
            LrSchedule.Kind.CONSTANT,
            null,
            null,
            AdamWConfig.DEFAULTS,
            0,
            2,
            0,
            1,
            100,
            dir.resolve("out"),
            false);
    try (CausalLM model = TinyRuns.load(base)) {
      Trainer trainer =
          new Trainer(
              model,
              TrainableSet.full(),
              NO_OUTPUT,
              TinyRuns.plan(TinyRuns.rows(4, 1), 2, true),
              TinyRuns.plan(TinyRuns.rows(3, 9), 2, false),
              cfg,
              null,
              5);
      TrainingResult r = trainer.run(TrainingListener.NONE, false);
      assertTrue(r.stoppedEarly());
      assertEquals(4, r.steps());
      assertEquals(2, r.evaluations().size());
      EvalReport e = r.evaluations().get(0);
      assertTrue(e.improved());
      assertEquals(Math.exp(e.loss()), e.perplexity(), 1e-9);
      assertEquals(e.loss(), trainer.evaluate(), 0.5); // later evaluation, same scale
      // a run that early stopping ended stays ended on resume
      TrainingResult again =
          new Trainer(
                  model,
                  TrainableSet.full(),
                  NO_OUTPUT,
                  TinyRuns.plan(TinyRuns.rows(4, 1), 2, true),
                  TinyRuns.plan(TinyRuns.rows(3, 9), 2, false),
                  cfg,
                  null,
                  5)
              .run(TrainingListener.NONE, true);
      assertEquals(4, again.steps());
      assertTrue(again.losses().isEmpty() && again.stoppedEarly());
    }
  }

  @Test
  void evaluationRunsWithoutDropout() {
    Path base = TinyRuns.base(dir.resolve("base"));
    LoraLinearFactory factory =
        LoraLinearFactory.fresh(
            new LoraConfig(4, 8, 0.5, List.of("q_proj", "down_proj"), false, 2));
    try (CausalLM model =
        ModelLoader.load(
            new LocalModelSource(base), Engine.getInstance().defaultDevice(), factory)) {
      // a non-zero B, so the LoRA branch (and thus its dropout) changes the output
      Random rnd = new Random(3);
      for (LoraLinear l : factory.layers()) {
        float[] b = new float[(int) l.loraB().size()];
        for (int i = 0; i < b.length; i++) {
          b[i] = (float) (0.5 * rnd.nextGaussian());
        }
        l.loraB().set(FloatBuffer.wrap(b));
      }
      Trainer trainer =
          new Trainer(
              model,
              TrainableSet.full(),
              NO_OUTPUT,
              TinyRuns.plan(TinyRuns.rows(4, 1), 2, true),
              TinyRuns.plan(TinyRuns.rows(3, 9), 2, false),
              TrainingConfig.simple(1, 1, 0, dir.resolve("out")),
              null,
              5);
      double plain = trainer.evaluate(); // the layers are in evaluation mode: no dropout
      factory.setTraining(true);
      double withDropout =
          new Trainer(
                  model,
                  TrainableSet.full(),
                  NO_OUTPUT,
                  TinyRuns.plan(TinyRuns.rows(4, 1), 2, true),
                  TinyRuns.plan(TinyRuns.rows(3, 9), 2, false),
                  TrainingConfig.simple(1, 1, 0, dir.resolve("out")),
                  null,
                  5)
              .evaluate(); // a trainer that does not know the layers cannot switch them off
      assertTrue(
          Math.abs(withDropout - plain) > 1e-4,
          "dropout must change the loss: " + plain + " vs " + withDropout);
      assertEquals(
          plain,
          trainer.withRandomLayers(factory).evaluate(),
          0.0,
          "evaluation switches dropout off");
    }
  }

  @Test
  void trainsOnAThreadOtherThanTheOneThatStartedTheEngine() throws InterruptedException {
    Engine
        .getInstance(); // DJL turns grad mode off on this thread only; libtorch starts new threads
    // with it on
    Path base = TinyRuns.base(dir.resolve("base"));
    TrainingResult[] result = new TrainingResult[1];
    Throwable[] failure = new Throwable[1];
    Thread worker =
        new Thread(
            () -> {
              try (CausalLM model = TinyRuns.load(base)) {
                result[0] =
                    new Trainer(
                            model,
                            TrainableSet.full(),
                            NO_OUTPUT,
                            TinyRuns.plan(TinyRuns.rows(4, 1), 2, true),
                            TinyRuns.plan(TinyRuns.rows(2, 9), 2, false),
                            TrainingConfig.simple(1, 2, 1e-3, dir.resolve("out"))
                                .withEvaluation(2, 0, 0),
                            null,
                            5)
                        .run(TrainingListener.NONE, false);
              } catch (Throwable t) {
                failure[0] = t;
              }
            },
            "training-worker");
    worker.start();
    worker.join();
    if (failure[0] != null) {
      throw new AssertionError("training on a worker thread failed", failure[0]);
    }
    assertEquals(2, result[0].steps());
    assertEquals(1, result[0].evaluations().size());
  }

  @Test
  void arrayCountsStayFlatOverManySteps() {
    Path base = TinyRuns.base(dir.resolve("base"));
    TrainingConfig cfg =
        new TrainingConfig(
            2,
            1,
            40,
            1e-3,
            LrSchedule.Kind.LINEAR,
            null,
            0.1,
            AdamWConfig.DEFAULTS,
            1.0,
            10,
            0,
            0,
            0,
            dir.resolve("out"),
            false);
    try (CausalLM model = TinyRuns.load(base);
        NDManager probe = NDManager.newBaseManager()) {
      NDManager system = probe.getParentManager();
      int[][] counts = new int[2][2];
      TrainingListener listener =
          report -> {
            if (report.step() == 5 || report.step() == 40) {
              int at = report.step() == 5 ? 0 : 1;
              counts[at][0] = model.manager().getManagedArrays().size();
              counts[at][1] = system.getManagedArrays().size();
            }
          };
      new Trainer(
              model,
              TrainableSet.full(),
              NO_OUTPUT,
              TinyRuns.plan(TinyRuns.rows(8, 2), 2, true),
              TinyRuns.plan(TinyRuns.rows(2, 4), 2, false),
              cfg,
              null,
              5)
          .run(listener, false);
      assertTrue(counts[0][0] > model.parameters().size(), "moments live on the model manager");
      assertArrayEquals(counts[0], counts[1], "model/system array counts at step 5 vs step 40");
    }
  }

  private static Map<String, float[]> snapshot(CausalLM model) {
    Map<String, float[]> out = new java.util.HashMap<>();
    model.parameters().forEach((k, v) -> out.put(k, v.toFloatArray()));
    return out;
  }

  static final JsonNodeFactory JSON = JsonNodeFactory.instance;
}
