package dev.tuneforge.llm.train.job.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.llm.train.EvalReport;
import dev.tuneforge.llm.train.StepReport;
import dev.tuneforge.llm.train.TrainingListener;
import dev.tuneforge.llm.train.TrainingResult;
import dev.tuneforge.llm.train.TrainingRun;
import dev.tuneforge.llm.train.job.JobConfig;
import dev.tuneforge.llm.train.job.JobConfigException;
import dev.tuneforge.llm.train.job.JobRunner;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The main class of a job process (started by {@link JobProcess}): reads the job file named by its
 * one argument ({@code config}: the job's config tree with absolute paths, {@code resume}), runs it
 * through {@link JobRunner#start} and reports every step, evaluation, checkpoint and message, then
 * the result or the failure, as {@link ProcessMessages} lines on stdout. It reads commands from
 * stdin: {@code cancel}, and the parent's answer to each checkpoint, which the run waits for (so a
 * checkpoint is stored before training goes on, as in the parent's own JVM). When stdin ends the
 * parent is gone and the process halts at once: a job whose service died is taken up elsewhere, and
 * must not go on training here meanwhile.
 */
public final class JobProcessMain {

  /** Exit status when the parent went away before the job ended. */
  static final int PARENT_GONE = 70;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrintStream out;
  private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
  private volatile boolean cancelRequested;
  private volatile TrainingRun run;

  private JobProcessMain(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) {
    // Messages go to the real stdout; whatever else Java code prints goes to stderr.
    PrintStream messages =
        new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
    System.setOut(System.err);
    if (args.length != 1) {
      System.err.println("usage: JobProcessMain <job.json>");
      System.exit(2);
    }
    JobProcessMain main = new JobProcessMain(messages);
    main.listen(System.in);
    main.run(Path.of(args[0]));
    messages.flush();
    System.exit(0);
  }

  /** Runs the job to its end; every outcome, failures included, is a message. */
  private void run(Path jobFile) {
    try {
      JsonNode job = JSON.readTree(jobFile.toFile());
      JobConfig config = JobConfig.parse(job.get("config"), jobFile.toAbsolutePath().getParent());
      run = JobRunner.start(config, new Reporter(), job.path("resume").asBoolean());
      if (cancelRequested) {
        run.cancel();
      }
      TrainingResult result = run.await();
      send(ProcessMessages.result(result));
    } catch (Throwable t) {
      send(
          ProcessMessages.failed(
              t.getClass().getSimpleName(),
              t instanceof JobConfigException e
                  ? e.getMessage().substring(e.key().length() + 2)
                  : t.getMessage(),
              t instanceof JobConfigException e ? e.key() : null));
    }
  }

  /** Reads the parent's commands on a daemon thread; halts when the parent is gone. */
  private void listen(InputStream in) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  if (line.equals(ProcessMessages.CANCEL)) {
                    cancelRequested = true;
                    TrainingRun current = run;
                    if (current != null) {
                      current.cancel();
                    }
                  } else if (!line.isBlank()) {
                    answers.add(line);
                  }
                }
              } catch (java.io.IOException e) {
                // the parent's end is gone, as at end of input
              }
              System.err.println("the parent process is gone; the job stops here");
              Runtime.getRuntime().halt(PARENT_GONE);
            },
            "job-commands");
    t.setDaemon(true);
    t.start();
  }

  private synchronized void send(String line) {
    out.println(line);
    out.flush();
  }

  /** Reports the run; a checkpoint waits for the parent to store it. */
  private final class Reporter implements TrainingListener {
    @Override
    public void onStep(StepReport report) {
      send(ProcessMessages.step(report));
    }

    @Override
    public void onEvaluation(EvalReport report) {
      send(ProcessMessages.evaluation(report));
    }

    @Override
    public void onMessage(String message) {
      send(ProcessMessages.text(message));
    }

    @Override
    public void onCheckpoint(long step, Path dir) {
      send(ProcessMessages.checkpoint(step, dir));
      String answer;
      try {
        answer = answers.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(
            "interrupted while the checkpoint of step " + step + " was stored");
      }
      String saved = ProcessMessages.CHECKPOINT_SAVED + " " + step;
      String failed = ProcessMessages.CHECKPOINT_FAILED + " " + step + " ";
      if (answer.startsWith(failed)) {
        throw new IllegalStateException(answer.substring(failed.length()));
      }
      if (!answer.equals(saved)) {
        throw new IllegalStateException(
            "expected the answer to the checkpoint of step " + step + ", got: " + answer);
      }
    }
  }
}
