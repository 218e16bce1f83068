package dev.tuneforge.llm.train.job.process;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.llm.peft.PeftAdapter;
import dev.tuneforge.llm.train.StepReport;
import dev.tuneforge.llm.train.TrainingListener;
import dev.tuneforge.llm.train.TrainingResult;
import dev.tuneforge.llm.train.TrainingRun;
import dev.tuneforge.llm.train.job.JobConfig;
import dev.tuneforge.llm.train.job.JobConfigException;
import dev.tuneforge.llm.train.job.JobRunner;
import dev.tuneforge.llm.train.job.TinyLoraJobs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job in a child JVM on the tiny reference Llama: the same adapter bytes as in this JVM, progress
 * and checkpoints reported in order, cancel within a step with the process gone, a failure rethrown
 * as in this JVM, and a process killed with SIGSEGV reported as {@link EngineCrashed}.
 */
class JobProcessTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  private JobProcessLaunch launch() {
    return JobProcessLaunch.ofThisJvm(
        List.of("-Xmx512m"), Map.of(), dir.resolve("crashes"), Duration.ofSeconds(30));
  }

  /** The tiny LoRA job in its own folder {@code name} (output relative: the child resolves it). */
  private JobConfig job(String name, int maxSteps, int saveSteps, List<String> targets)
      throws IOException {
    return TinyLoraJobs.config(dir.resolve(name), maxSteps, saveSteps, targets);
  }

  private static class Recorder implements TrainingListener {
    final List<Long> steps = new CopyOnWriteArrayList<>();
    final List<Long> checkpoints = new CopyOnWriteArrayList<>();
    final List<String> messages = new CopyOnWriteArrayList<>();

    @Override
    public void onStep(StepReport r) {
      steps.add(r.step());
    }

    @Override
    public void onCheckpoint(long step, Path dir) {
      assertTrue(Files.isDirectory(dir), dir + " is there when the checkpoint is reported");
      checkpoints.add(step);
    }

    @Override
    public void onMessage(String m) {
      messages.add(m);
    }
  }

  @Test
  void aJobInItsOwnProcessWritesTheSameAdapterAsInThisJvm() throws Exception {
    Recorder child = new Recorder();
    TrainingRun run =
        JobProcess.start(launch(), job("child", 6, 2, List.of("q_proj")), child, false);
    TrainingResult r = run.await(Duration.ofMinutes(3)).orElseThrow();
    assertEquals(TrainingRun.Status.COMPLETED, run.status());
    assertEquals(6, r.steps());
    assertFalse(r.interrupted());
    assertEquals(6, r.losses().size());
    assertEquals(dir.resolve("child/out"), r.output());
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), child.steps);
    assertEquals(List.of(2L, 4L, 6L), child.checkpoints);
    assertTrue(
        child.messages.stream().anyMatch(m -> m.contains("training examples")),
        child.messages.toString());
    assertEquals(6, run.lastStep().orElseThrow().step());

    TrainingResult here =
        JobRunner.run(job("here", 6, 2, List.of("q_proj")), TrainingListener.NONE, false);
    assertEquals(here.losses(), r.losses());
    assertArrayEquals(
        Files.readAllBytes(here.output().resolve(PeftAdapter.WEIGHTS_FILE)),
        Files.readAllBytes(r.output().resolve(PeftAdapter.WEIGHTS_FILE)));
  }

  @Test
  void cancelStopsTheChildWithinAStepAndItsProcessIsGone() throws Exception {
    // A checkpoint every step keeps the child in lockstep with this listener (it waits for the
    // answer to each checkpoint), and the cancel is sent from the listener of step 2's checkpoint,
    // before that answer: so the test knows the step the child was at when the cancel reached it,
    // however fast the steps are (a tiny model's take a millisecond on a quiet machine).
    CompletableFuture<TrainingRun> handle = new CompletableFuture<>();
    AtomicReference<ProcessHandle> running = new AtomicReference<>();
    Recorder progress =
        new Recorder() {
          @Override
          public void onCheckpoint(long step, Path dir) {
            super.onCheckpoint(step, dir);
            if (step == 2) {
              running.set(child().orElseThrow(() -> new AssertionError("no job process")));
              handle.join().cancel();
            }
          }
        };
    TrainingRun run =
        JobProcess.start(launch(), job("cancel", 100_000, 1, List.of("q_proj")), progress, false);
    handle.complete(run);
    TrainingResult r = run.await(Duration.ofMinutes(1)).orElseThrow();
    ProcessHandle child = running.get();
    assertEquals(TrainingRun.Status.CANCELLED, run.status());
    assertTrue(r.interrupted());
    // cancelled at step 2: at most the step under way when the cancel arrived completes
    assertTrue(r.steps() >= 2 && r.steps() <= 3, "cancelled at 2, ended " + r.steps());
    assertTrue(progress.steps.stream().allMatch(s -> s <= 3), progress.steps.toString());
    assertTrue(child.onExit().get(10, TimeUnit.SECONDS) != null);
    assertFalse(child.isAlive());
    assertTrue(child().isEmpty());
  }

  @Test
  void aChildKilledBySegvIsAnEngineCrashNamingTheSignal() throws Exception {
    TrainingRun run =
        JobProcess.start(
            launch(), job("crash", 100_000, 0, List.of("q_proj")), new Recorder(), false);
    awaitStep(run, 1);
    ProcessHandle child = child().orElseThrow(() -> new AssertionError("no job process"));
    Process kill = new ProcessBuilder("kill", "-SEGV", Long.toString(child.pid())).start();
    assertEquals(0, kill.waitFor());
    EngineCrashed e = assertThrows(EngineCrashed.class, run::await);
    assertEquals(TrainingRun.Status.FAILED, run.status());
    // HotSpot turns the SIGSEGV into a fatal error report and an abort.
    assertEquals(134, e.exitCode(), e.getMessage());
    assertTrue(e.getMessage().contains("signal 6 SIGABRT (exit code 134)"), e.getMessage());
    assertTrue(e.getMessage().contains("SIGSEGV"), e.getMessage());
    assertTrue(e.getMessage().contains(" after step "), e.getMessage());
    assertFalse(child.isAlive());
  }

  @Test
  void aFailedRunInTheChildIsRethrownAsInThisJvm() throws Exception {
    TrainingRun run =
        JobProcess.start(
            launch(), job("bad", 2, 0, List.of("q_proj", "qkv_proj")), new Recorder(), false);
    JobConfigException e = assertThrows(JobConfigException.class, run::await);
    assertEquals("lora_target_modules", e.key());
    assertTrue(e.getMessage().contains("'qkv_proj' matches no linear layer"), e.getMessage());
  }

  @Test
  void aCheckpointTheListenerCannotStoreFailsTheRunWithItsError() throws Exception {
    IllegalStateException refused = new IllegalStateException("bucket unavailable");
    TrainingListener listener =
        new TrainingListener() {
          @Override
          public void onStep(StepReport report) {}

          @Override
          public void onCheckpoint(long step, Path d) {
            throw refused;
          }
        };
    TrainingRun run =
        JobProcess.start(launch(), job("refused", 4, 2, List.of("q_proj")), listener, false);
    assertSame(refused, assertThrows(IllegalStateException.class, run::await));
    assertEquals(2, run.lastStep().orElseThrow().step(), "no step after the refused checkpoint");
  }

  private static void awaitStep(TrainingRun run, long step) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (run.lastStep().map(StepReport::step).orElse(0L) < step) {
      if (System.nanoTime() > deadline || run.status() != TrainingRun.Status.RUNNING) {
        throw new AssertionError("no step " + step + "; status " + run.status());
      }
      Thread.sleep(5);
    }
  }

  /** The live job process of this JVM, if any. */
  static Optional<ProcessHandle> child() {
    return ProcessHandle.current()
        .children()
        .filter(ProcessHandle::isAlive)
        .filter(
            p ->
                p.info()
                    .commandLine()
                    .map(c -> c.contains(JobProcessMain.class.getName()))
                    .orElse(false))
        .findFirst();
  }
}
