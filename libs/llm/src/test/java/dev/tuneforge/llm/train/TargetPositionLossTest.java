package dev.tuneforge.llm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.llm.lora.LoraConfig;
import dev.tuneforge.llm.lora.LoraLinearFactory;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.CheckpointedForward;
import dev.tuneforge.llm.model.LayerScopes;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.train.data.Batch;
import dev.tuneforge.llm.train.data.BatchPlan;
import dev.tuneforge.llm.train.data.Collator;
import dev.tuneforge.llm.train.data.DataPosition;
import dev.tuneforge.llm.train.data.TokenizedExample;
import dev.tuneforge.llm.train.data.TrainingSequence;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training loss with the LM head run only at target positions ({@link CrossEntropy#sum})
 * against the reference that computes logits and log-softmax for every position ({@link
 * CrossEntropy#sumAllPositions}); and the per-layer scoped recorded forward against the unscoped
 * one. Batches mix padding, prompt tokens without targets and rows of different length; the GC runs
 * between forward and backward, so a Java buffer freed under autograd would show.
 */
class TargetPositionLossTest {
  @TempDir Path dir;

  private static final double RELATIVE = 2e-5;

  @Test
  void loraWithDropoutLossAndGradientsEqualTheAllPositionsReference() {
    assertSameAsReference(TinyRuns.config(), 0.1, Mode.PLAIN);
  }

  @Test
  void fullFineTuningWithTiedHeadEqualsTheAllPositionsReference() {
    ObjectNode c = TinyRuns.config();
    c.put("tie_word_embeddings", true); // the head's and the lookup's gradients meet in one tensor
    assertSameAsReference(c, -1, Mode.PLAIN);
  }

  @Test
  void checkpointedTargetLossEqualsTheAllPositionsReference() {
    assertSameAsReference(TinyRuns.config(), 0.1, Mode.CHECKPOINTED);
  }

  @Test
  void scopedLayersGiveTheUnscopedGradientsBitForBit() {
    Path base = ModelInit.write(dir.resolve("base"), TinyRuns.config(), 11);
    Batch batch = batch(4, 3);
    Result scoped = run(base, 0.1, batch, Mode.REFERENCE);
    LayerScopes.keepIntermediates(true);
    Result kept;
    try {
      kept = run(base, 0.1, batch, Mode.REFERENCE);
    } finally {
      LayerScopes.keepIntermediates(false);
    }
    assertEquals(Float.floatToIntBits(kept.loss), Float.floatToIntBits(scoped.loss), "loss");
    kept.grads.forEach((n, g) -> assertArrayEquals(g, scoped.grads.get(n), n));
  }

  @Test
  void aMicroBatchWithoutTargetsGivesZeroLossAndZeroGradients() {
    Path base = ModelInit.write(dir.resolve("base"), TinyRuns.config(), 11);
    List<TrainingSequence> rows = new ArrayList<>();
    for (int len : new int[] {6, 9}) {
      int[] ids = new int[len];
      int[] labels = new int[len];
      for (int j = 0; j < len; j++) {
        ids[j] = 1 + j;
        labels[j] = TokenizedExample.IGNORE;
      }
      rows.add(TrainingSequence.of(new TokenizedExample(ids, labels, false)));
    }
    Batch batch =
        new BatchPlan(rows, 2, 5, false, false, new Collator(0, 0)).batch(DataPosition.START);
    Result r = run(base, 0.0, batch, Mode.PLAIN);
    assertEquals(0f, r.loss, 0f); // -0 (the negated empty sum) counts as zero
    r.grads.forEach(
        (n, g) -> {
          for (float v : g) {
            assertEquals(0f, v, 0f, n);
          }
        });
  }

  // ---------------------------------------------------------------------------------------------

  private enum Mode {
    REFERENCE,
    PLAIN,
    CHECKPOINTED
  }

  private record Result(float loss, Map<String, float[]> grads) {}

  /**
   * @param dropout LoRA dropout, or negative for full fine-tuning
   */
  private void assertSameAsReference(ObjectNode config, double dropout, Mode mode) {
    Path base = ModelInit.write(dir.resolve("base"), config, 11);
    Batch batch = batch(4, 5);
    Result reference = run(base, dropout, batch, Mode.REFERENCE);
    Result targets = run(base, dropout, batch, mode);
    assertEquals(reference.loss, targets.loss, RELATIVE * Math.abs(reference.loss), "loss");
    assertEquals(reference.grads.keySet(), targets.grads.keySet());
    double total = 0;
    for (Map.Entry<String, float[]> e : reference.grads.entrySet()) {
      assertClose(e.getKey(), e.getValue(), targets.grads.get(e.getKey()));
      for (float v : e.getValue()) {
        total += Math.abs(v);
      }
    }
    assertTrue(total > 0, "the gradients must not all be zero, else equality shows nothing");
  }

  /**
   * Rows of 5..16 tokens whose first half is a prompt (no targets): padding, prompt positions and
   * the last position all carry no target.
   */
  private static Batch batch(int n, long seed) {
    Random r = new Random(seed);
    List<TrainingSequence> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int len = 5 + r.nextInt(12);
      int[] ids = new int[len];
      int[] labels = new int[len];
      for (int j = 0; j < len; j++) {
        ids[j] = 1 + r.nextInt(TinyRuns.VOCAB - 1);
        labels[j] = j <= len / 2 ? TokenizedExample.IGNORE : ids[j];
      }
      rows.add(TrainingSequence.of(new TokenizedExample(ids, labels, false)));
    }
    return new BatchPlan(rows, n, 5, false, false, new Collator(0, 0)).batch(DataPosition.START);
  }

  private static Result run(Path base, double dropout, Batch batch, Mode mode) {
    LoraLinearFactory f =
        dropout < 0
            ? null
            : LoraLinearFactory.fresh(
                new LoraConfig(4, 8, dropout, List.of(LoraConfig.ALL_LINEAR), false, 3));
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
      float loss;
      try (NDManager step = model.newStepManager();
          GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        random.startMicroBatch(1, 0);
        switch (mode) {
          case REFERENCE, PLAIN -> {
            NDArray sum =
                mode == Mode.REFERENCE
                    ? CrossEntropy.sumAllPositions(model, step, batch)
                    : CrossEntropy.sum(model, step, batch);
            System.gc();
            collector.backward(sum);
            loss = sum.getFloat();
          }
          default -> {
            CrossEntropy.Inputs in = CrossEntropy.inputs(step, batch);
            NDArray[] sum = new NDArray[1];
            CheckpointedForward ck =
                CheckpointedForward.runOnHidden(
                    model,
                    step,
                    in.ids(),
                    in.positions(),
                    in.bias(),
                    hidden -> sum[0] = CrossEntropy.sumAtTargets(model, step, batch, hidden));
            System.gc();
            ck.backward(collector, () -> random.startMicroBatch(1, 0));
            loss = sum[0].getFloat();
          }
        }
        trainable.forEach((n, p) -> grads.put(n, p.getGradient().toFloatArray()));
      }
      trainable.values().forEach(p -> p.setRequiresGradient(false));
      random.setTraining(false);
      return new Result(loss, grads);
    }
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

  /** {@code max|a − b| ≤ RELATIVE · max|a|} over the tensor. */
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
}
