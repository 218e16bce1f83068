package dev.tuneforge.llm.train.job.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.llm.train.TrainingListener;
import dev.tuneforge.llm.train.TrainingResult;
import dev.tuneforge.llm.train.TrainingRun;
import dev.tuneforge.llm.train.job.JobConfig;
import dev.tuneforge.llm.train.job.JobConfigException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a job in a child JVM ({@link JobProcessMain}) and returns the same {@link TrainingRun}
 * handle as {@code JobRunner.start}: the child's reports reach {@code listener} (on the handle's
 * thread, in order), {@link TrainingRun#cancel()} is passed on as a {@code cancel} line (the child
 * stops within one optimizer step; after {@link JobProcessLaunch#cancelGrace()} it is killed), a
 * checkpoint is answered once the listener's {@code onCheckpoint} returned, and {@link
 * TrainingRun#await()} returns the child's result or throws its failure: {@link JobConfigException}
 * as the child threw it, {@link EngineFailed} for another exception, {@link EngineCrashed} when the
 * process died without a result.
 *
 * <p>The job file is written beside the output folder ({@code job-process.json}); the child's
 * working folder is that folder too.
 */
public final class JobProcess {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final System.Logger LOG = System.getLogger(JobProcess.class.getName());

  private JobProcess() {}

  /** Starts the child and returns at once; see the class comment. */
  public static TrainingRun start(
      JobProcessLaunch launch, JobConfig job, TrainingListener listener, boolean resume) {
    Path work = job.outputDir().toAbsolutePath().getParent();
    return TrainingRun.start(
        "training-process " + work.getFileName(),
        listener,
        r -> new Session(launch, job, resume, work, r).run());
  }

  /**
   * The job's config tree with every path absolute (as the config resolved it), so the child reads
   * the same files whatever its working folder; absolute paths are kept as written.
   */
  static ObjectNode absolutePaths(JobConfig job) {
    ObjectNode tree = job.source().deepCopy();
    absolute(tree, "base_model", job.baseModel());
    absolute(tree, "output_dir", job.outputDir());
    absolute(tree, "lora_model_dir", job.loraModelDir());
    datasets(tree, "datasets", job.datasets());
    datasets(tree, "test_datasets", job.testDatasets());
    return tree;
  }

  private static void datasets(ObjectNode tree, String key, List<JobConfig.Dataset> resolved) {
    JsonNode list = tree.get(key);
    if (list instanceof ArrayNode a) {
      for (int i = 0; i < a.size() && i < resolved.size(); i++) {
        if (a.get(i) instanceof ObjectNode d) {
          absolute(d, "path", resolved.get(i).path());
        }
      }
    }
  }

  private static void absolute(ObjectNode node, String key, Path resolved) {
    JsonNode v = node.get(key);
    if (resolved != null && v != null && v.isTextual() && !Path.of(v.asText()).isAbsolute()) {
      node.put(key, resolved.toAbsolutePath().toString());
    }
  }

  /** One child process, from start to exit, on the run's thread. */
  private static final class Session {
    private final JobProcessLaunch launch;
    private final JobConfig job;
    private final boolean resume;
    private final Path work;
    private final TrainingRun.Runs runs;
    private final OutputTail tail = new OutputTail();
    private Process process;
    private Writer commands;
    private Long lastStep;
    private TrainingResult result;
    private JsonNode failed;
    private RuntimeException listenerFailure;
    private volatile boolean killedAfterCancel;

    Session(
        JobProcessLaunch launch, JobConfig job, boolean resume, Path work, TrainingRun.Runs runs) {
      this.launch = launch;
      this.job = job;
      this.resume = resume;
      this.work = work;
      this.runs = runs;
    }

    TrainingResult run() {
      if (runs.cancellation().isRequested()) {
        return TrainingResult.cancelledBeforeTraining();
      }
      try {
        process = start();
        commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread errors = pump(process.getErrorStream(), "job-process-stderr");
        Thread canceller = watchCancellation();
        readMessages();
        process.waitFor();
        errors.join(TimeUnit.SECONDS.toMillis(5));
        canceller.interrupt();
        return outcome(process.exitValue());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot run the job process: " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while the job process ran", e);
      } finally {
        if (process != null && process.isAlive()) {
          process.destroyForcibly();
        }
      }
    }

    private Process start() throws IOException {
      Files.createDirectories(work);
      Path jobFile = work.resolve("job-process.json");
      ObjectNode spec = JSON.createObjectNode();
      spec.set("config", absolutePaths(job));
      spec.put("resume", resume);
      Files.writeString(jobFile, spec.toString(), StandardCharsets.UTF_8);
      List<String> cmd = new ArrayList<>();
      cmd.add(launch.java());
      cmd.addAll(launch.jvmOptions());
      if (launch.crashDir() != null) {
        Files.createDirectories(launch.crashDir());
        cmd.add("-XX:ErrorFile=" + launch.crashDir().resolve("hs_err_pid%p.log"));
      }
      cmd.add(JobProcessMain.class.getName());
      cmd.add(jobFile.toString());
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
      pb.environment().putAll(launch.env());
      // In the environment, not on the command line: a long classpath would push the main class
      // out of the first page of /proc/<pid>/cmdline, where ps and ProcessHandle look.
      pb.environment().put("CLASSPATH", launch.classpath());
      Process p = pb.start();
      LOG.log(System.Logger.Level.DEBUG, "job process {0} started: {1}", p.pid(), cmd);
      return p;
    }

    /** Dispatches the child's messages until its stdout ends. */
    private void readMessages() throws IOException {
      try (BufferedReader r =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          JsonNode m = ProcessMessages.parse(line);
          if (m == null) {
            tail.add(line);
            continue;
          }
          try {
            dispatch(m);
          } catch (RuntimeException e) {
            // The listener failed: the run fails with its exception, as in this JVM.
            if (listenerFailure == null) {
              listenerFailure = e;
            }
            process.destroyForcibly();
          }
        }
      } catch (IOException e) {
        // Killing the process (the listener failed, or a cancel timed out) closes its streams.
        if (listenerFailure == null && !killedAfterCancel) {
          throw e;
        }
      }
    }

    private void dispatch(JsonNode m) {
      TrainingListener listener = runs.listener();
      switch (m.get("type").asText()) {
        case "step" -> {
          var report = ProcessMessages.stepReport(m);
          lastStep = report.step();
          listener.onStep(report);
        }
        case "evaluation" -> listener.onEvaluation(ProcessMessages.evalReport(m));
        case "message" -> listener.onMessage(m.path("text").asText());
        case "checkpoint" -> {
          long step = m.path("step").asLong();
          try {
            listener.onCheckpoint(step, Path.of(m.path("dir").asText()));
          } catch (RuntimeException e) {
            command(ProcessMessages.CHECKPOINT_FAILED + " " + step + " " + oneLine(e));
            throw e;
          }
          command(ProcessMessages.CHECKPOINT_SAVED + " " + step);
        }
        case "result" -> result = ProcessMessages.trainingResult(m);
        case "failed" -> failed = m;
        default -> tail.add("unknown message: " + m);
      }
    }

    private TrainingResult outcome(int exitCode) {
      if (listenerFailure != null) {
        throw listenerFailure;
      }
      if (result != null) {
        if (exitCode != 0) {
          LOG.log(
              System.Logger.Level.WARNING,
              "job process ended with {0} after reporting its result: {1}",
              EngineCrashed.describe(exitCode),
              tail.summary());
        }
        return result;
      }
      if (failed != null) {
        String message = failed.path("message").isTextual() ? failed.get("message").asText() : null;
        if (failed.path("key").isTextual()) {
          throw new JobConfigException(failed.get("key").asText(), message);
        }
        throw new EngineFailed(failed.path("error").asText("Exception"), message);
      }
      if (killedAfterCancel) {
        return new TrainingResult(
            lastStep == null ? 0 : lastStep, 0, List.of(), List.of(), false, true, null);
      }
      throw new EngineCrashed(exitCode, lastStep, tail.summary());
    }

    /** Writes a command line; from the run's thread and the cancel watcher. */
    private synchronized void command(String line) {
      try {
        commands.write(line + "\n");
        commands.flush();
      } catch (IOException e) {
        // the child is gone; its exit says why
      }
    }

    /** Passes a cancel on to the child; kills it when it has not stopped within the grace. */
    private Thread watchCancellation() {
      Thread t =
          new Thread(
              () -> {
                try {
                  while (!runs.cancellation().isRequested()) {
                    if (process.waitFor(50, TimeUnit.MILLISECONDS)) {
                      return;
                    }
                  }
                  command(ProcessMessages.CANCEL);
                  if (!process.waitFor(launch.cancelGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                    killedAfterCancel = true;
                    LOG.log(
                        System.Logger.Level.WARNING,
                        "job process {0} did not stop within {1} of its cancel; killed",
                        process.pid(),
                        launch.cancelGrace());
                    process.destroyForcibly();
                  }
                } catch (InterruptedException e) {
                  // the process ended
                }
              },
              "job-process-cancel");
      t.setDaemon(true);
      t.start();
      return t;
    }

    private Thread pump(InputStream in, String name) {
      Thread t =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = r.readLine()) != null) {
                    tail.add(line);
                    LOG.log(System.Logger.Level.DEBUG, "job process: {0}", line);
                  }
                } catch (IOException e) {
                  // the process ended
                }
              },
              name);
      t.setDaemon(true);
      t.start();
      return t;
    }

    private static String oneLine(Throwable t) {
      String m = t.getClass().getSimpleName() + ": " + t.getMessage();
      return m.replace('\n', ' ').replace('\r', ' ');
    }
  }
}
