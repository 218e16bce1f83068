package dev.tuneforge.llm.train.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.llm.peft.PeftAdapter;
import dev.tuneforge.llm.train.Checkpoints;
import dev.tuneforge.llm.train.StepReport;
import dev.tuneforge.llm.train.TrainingListener;
import dev.tuneforge.llm.train.TrainingResult;
import dev.tuneforge.llm.train.TrainingRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A job started from code: a handle that reports progress, cancels within one step and resumes. */
class TrainingRunTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  /** The tiny LoRA job in this test's folder. */
  private JobConfig job(int maxSteps, int saveSteps, List<String> targets) throws IOException {
    return TinyLoraJobs.config(dir, maxSteps, saveSteps, targets);
  }

  /** Collects what a service would turn into events. */
  private static final class Progress implements TrainingListener {
    final List<StepReport> steps = new CopyOnWriteArrayList<>();
    final List<Long> checkpoints = new CopyOnWriteArrayList<>();
    volatile TrainingRun run;
    volatile long cancelAt = -1;

    @Override
    public void onStep(StepReport r) {
      steps.add(r);
      if (r.step() == cancelAt) {
        while (run == null) {
          Thread.onSpinWait(); // start() has not returned the handle yet
        }
        run.cancel();
      }
    }

    @Override
    public void onCheckpoint(long step, Path dir) {
      checkpoints.add(step);
    }
  }

  @Test
  void cancelledRunEndsCancelledWithinOneStepAndResumesFromItsLastCheckpoint() throws IOException {
    JobConfig job = job(6, 2, List.of("q_proj", "v_proj"));
    Progress progress = new Progress();
    progress.cancelAt = 3;
    progress.run = JobRunner.start(job, progress, false);
    TrainingRun run = progress.run;
    TrainingResult r = run.await(Duration.ofMinutes(2)).orElseThrow();

    assertEquals(TrainingRun.Status.CANCELLED, run.status());
    assertTrue(r.interrupted());
    assertEquals(3, r.steps(), "cancelled during step 3's report: no step 4 starts");
    assertEquals(List.of(2L), progress.checkpoints);
    // progress: every step reported with what a progress bar needs
    assertEquals(List.of(1L, 2L, 3L), progress.steps.stream().map(StepReport::step).toList());
    for (StepReport s : progress.steps) {
      assertEquals(6, s.totalSteps());
      assertTrue(s.loss() > 0 && Double.isFinite(s.loss()), s.toString());
      assertTrue(s.tokensPerSecond() > 0, s.toString());
      assertTrue(s.etaSeconds() >= 0 && Double.isFinite(s.etaSeconds()), s.toString());
      assertTrue(s.epoch() > 0, s.toString());
      assertTrue(s.learningRate() > 0 && s.gradNorm() > 0, s.toString());
    }
    assertEquals(3, run.lastStep().orElseThrow().step());

    // only complete checkpoints: step-2, no temporary folder, no output adapter
    Path out = dir.resolve("out");
    try (Stream<Path> s = Files.list(out.resolve(Checkpoints.DIR))) {
      assertEquals(List.of("step-2"), s.map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertFalse(Files.exists(out.resolve(PeftAdapter.WEIGHTS_FILE)));
    Path latest = Checkpoints.latest(out).latest().orElseThrow();
    Checkpoints.Loaded loaded = Checkpoints.read(latest);
    assertEquals(2, loaded.trainerState().path("global_step").asLong());
    assertEquals(8, loaded.weights().size(), "q_proj and v_proj A and B in 2 layers");

    // resume: the run continues at step 3 and completes
    Progress resumed = new Progress();
    TrainingRun again = JobRunner.start(job, resumed, true);
    TrainingResult done = again.await(Duration.ofMinutes(2)).orElseThrow();
    assertEquals(TrainingRun.Status.COMPLETED, again.status());
    assertEquals(2, done.resumedFrom());
    assertEquals(6, done.steps());
    assertEquals(List.of(3L, 4L, 5L, 6L), resumed.steps.stream().map(StepReport::step).toList());
    assertTrue(Files.exists(out.resolve(PeftAdapter.WEIGHTS_FILE)));
  }

  @Test
  void cancelFromAnotherThreadStopsWithinOneOptimizerStep() throws Exception {
    JobConfig job = job(100_000, 0, List.of("q_proj"));
    Progress progress = new Progress();
    TrainingRun run = JobRunner.start(job, progress, false);
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (run.lastStep().map(StepReport::step).orElse(0L) < 2 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    long seen = run.lastStep().orElseThrow().step();
    run.cancel();
    TrainingResult r = run.await(Duration.ofMinutes(1)).orElseThrow();
    assertEquals(TrainingRun.Status.CANCELLED, run.status());
    // the step under way when cancel() was called may finish, no other one
    assertTrue(
        r.steps() >= seen && r.steps() <= seen + 1, "seen " + seen + ", ended at " + r.steps());
    assertFalse(
        Files.exists(dir.resolve("out").resolve(Checkpoints.DIR)),
        "save_steps 0: no checkpoint until the end");
  }

  @Test
  void aFailedRunRethrowsItsErrorFromAwaitAndNamesTheUnmatchedTarget() throws IOException {
    TrainingRun run =
        JobRunner.start(job(2, 0, List.of("q_proj", "qkv_proj")), TrainingListener.NONE, false);
    JobConfigException e = assertThrows(JobConfigException.class, run::await);
    assertEquals(TrainingRun.Status.FAILED, run.status());
    assertEquals("lora_target_modules", e.key());
    assertTrue(e.getMessage().contains("'qkv_proj' matches no linear layer"), e.getMessage());
    assertTrue(e.getMessage().contains("q_proj, up_proj, v_proj"), e.getMessage());
  }

  @Test
  void cancelledBeforeTrainingStartsEndsCancelledWithoutCheckpoints() throws IOException {
    JobConfig job = job(4, 1, List.of("q_proj"));
    List<String> messages = new ArrayList<>();
    TrainingRun run =
        JobRunner.start(
            job,
            new TrainingListener() {
              @Override
              public void onStep(StepReport report) {}

              @Override
              public void onMessage(String m) {
                messages.add(m);
              }
            },
            false);
    run.cancel(); // most likely while the data or the model is still loading
    TrainingResult r = run.await(Duration.ofMinutes(1)).orElseThrow();
    assertEquals(TrainingRun.Status.CANCELLED, run.status());
    assertTrue(r.steps() <= 1, "stopped at " + r.steps());
    assertFalse(Files.exists(dir.resolve("out").resolve(PeftAdapter.WEIGHTS_FILE)));
  }
}
