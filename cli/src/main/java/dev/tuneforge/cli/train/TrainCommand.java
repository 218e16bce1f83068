package dev.tuneforge.cli.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tuneforge.llm.train.EvalReport;
import dev.tuneforge.llm.train.StepReport;
import dev.tuneforge.llm.train.TrainingListener;
import dev.tuneforge.llm.train.TrainingResult;
import dev.tuneforge.llm.train.TrainingRun;
import dev.tuneforge.llm.train.job.JobConfig;
import dev.tuneforge.llm.train.job.JobRunner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tuneforge train --config job.yaml [--resume]}: runs a fine-tuning job on this machine with
 * no services, printing a progress line per step and writing the output model and checkpoints to
 * the job's {@code output_dir}.
 */
@Command(
    name = "train",
    description = "Fine-tune a model locally from an Axolotl-style YAML job.",
    footer = {"", "Example:", "  tuneforge train --config examples/train-lora.yaml"})
public final class TrainCommand implements Callable<Integer> {

  @Option(names = "--config", required = true, description = "The job's YAML file.")
  Path config;

  @Option(
      names = "--resume",
      description = "Continue from the newest complete checkpoint in output_dir.")
  boolean resume;

  PrintStream out = System.out;

  /** The job in {@code file}, relative paths resolved against its folder. */
  public static JobConfig load(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no config file " + file);
    }
    JsonNode tree = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    return JobConfig.parse(tree, file.toAbsolutePath().getParent());
  }

  @Override
  public Integer call() throws IOException {
    JobConfig job = load(config);
    TrainingRun run = JobRunner.start(job, new ProgressPrinter(out), resume);
    // Ctrl-C / SIGTERM: stop within one optimizer step, so the newest checkpoint is complete and
    // `--resume` continues from it (a kill -9 is safe too: checkpoints are written atomically). The
    // hook holds the JVM until the run has ended and its last line is printed.
    CountDownLatch reported = new CountDownLatch(1);
    Thread onSignal =
        new Thread(
            () -> {
              long at = run.lastStep().map(StepReport::step).orElse(0L);
              run.cancel();
              // where the signal found the run: the step under way may finish, no further one
              out.println("stopping: signal received after step " + at);
              try {
                run.await(Duration.ofMinutes(5));
                reported.await(30, TimeUnit.SECONDS);
              } catch (RuntimeException | InterruptedException failedOrGone) {
                // the run failed or the wait was cut short: nothing more to hold the JVM for
              }
            },
            "cancel training");
    Runtime.getRuntime().addShutdownHook(onSignal);
    try {
      TrainingResult r = run.await();
      if (r.interrupted()) {
        out.println(
            "stopped at step " + r.steps() + "; --resume continues from the newest checkpoint");
        return 1;
      }
      out.printf(
          Locale.ROOT,
          "done: %d steps%s; model in %s, checkpoints in %s%n",
          r.steps(),
          r.stoppedEarly() ? " (early stopping)" : "",
          r.output(),
          r.output().resolve("checkpoints"));
      return 0;
    } finally {
      out.flush();
      reported.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(onSignal);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it cancelled the run, which has ended
      }
    }
  }

  /**
   * One line per step: {@code [####......] step 12/40 loss 2.3156 lr 1.20e-04 812 tok/s ETA 0:41}.
   */
  public static final class ProgressPrinter implements TrainingListener {
    private final PrintStream out;

    public ProgressPrinter(PrintStream out) {
      this.out = out;
    }

    @Override
    public void onStep(StepReport r) {
      int width = 20;
      int filled = (int) (width * r.step() / Math.max(1, r.totalSteps()));
      out.printf(
          Locale.ROOT,
          "[%s%s] step %d/%d epoch %.2f loss %.4f lr %.2e grad-norm %.3f %.0f tok/s ETA %s%n",
          "#".repeat(filled),
          ".".repeat(width - filled),
          r.step(),
          r.totalSteps(),
          r.epoch(),
          r.loss(),
          r.learningRate(),
          r.gradNorm(),
          r.tokensPerSecond(),
          duration(r.etaSeconds()));
    }

    @Override
    public void onEvaluation(EvalReport r) {
      out.printf(
          Locale.ROOT,
          "  eval at step %d: loss %.4f perplexity %.3f%s%n",
          r.step(),
          r.loss(),
          r.perplexity(),
          r.improved() ? " (best)" : "");
    }

    @Override
    public void onCheckpoint(long step, Path dir) {
      out.println("  checkpoint " + dir);
    }

    @Override
    public void onMessage(String message) {
      out.println("  " + message);
    }

    static String duration(double seconds) {
      long s = Math.round(seconds);
      return s >= 3600
          ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
          : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
  }
}
