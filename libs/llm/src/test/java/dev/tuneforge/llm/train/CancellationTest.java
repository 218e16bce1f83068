package dev.tuneforge.llm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.train.optim.AdamWConfig;
import dev.tuneforge.llm.train.optim.LrSchedule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cancellation that arrives inside an optimizer step drops that step: the weights are the
 * previous step's.
 */
class CancellationTest {
  @TempDir Path dir;

  @Test
  void cancelDuringAccumulationStopsBeforeTheNextMicroBatchAndLeavesTheWeightsOfTheLastStep() {
    Path base = TinyRuns.base(dir.resolve("base"));
    // accumulation 4: a step is four micro-batches
    TrainingConfig config =
        new TrainingConfig(
            4,
            1,
            5,
            5e-3,
            LrSchedule.Kind.CONSTANT,
            null,
            null,
            AdamWConfig.DEFAULTS,
            0,
            0,
            0,
            0,
            0,
            dir.resolve("out"),
            false);
    Cancellation cancel = new Cancellation();
    List<String> microBatches = new ArrayList<>();
    float[][] afterStep1 = new float[1][];
    try (CausalLM model = TinyRuns.load(base)) {
      Trainer t =
          new Trainer(
                  model,
                  TrainableSet.full(),
                  new FullModelWriter(base),
                  TinyRuns.plan(TinyRuns.rows(40, 3), 2, false),
                  null,
                  config,
                  JsonNodeFactory.instance.objectNode(),
                  1)
              .withCancellation(cancel)
              .withRandomLayers(
                  new RandomLayers() {
                    @Override
                    public void setTraining(boolean training) {}

                    @Override
                    public void startMicroBatch(long step, int microBatch) {
                      microBatches.add(step + "." + microBatch);
                      if (step == 2 && microBatch == 1) {
                        cancel
                            .request(); // from inside step 2, after its second micro-batch started
                      }
                    }
                  });
      TrainingResult r =
          t.run(
              report -> afterStep1[0] = model.parameters().get("model.norm.weight").toFloatArray(),
              false);
      assertTrue(r.interrupted());
      assertEquals(1, r.steps());
      assertEquals(
          List.of("1.0", "1.1", "1.2", "1.3", "2.0", "2.1"),
          microBatches,
          "no micro-batch starts after the cancellation");
      assertArrayEquals(
          afterStep1[0],
          model.parameters().get("model.norm.weight").toFloatArray(),
          "the unfinished step 2 did not update the weights");
    }
  }
}
