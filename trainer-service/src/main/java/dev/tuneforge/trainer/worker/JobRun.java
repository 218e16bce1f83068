package dev.tuneforge.trainer.worker;

import dev.tuneforge.artifact.ArtifactKind;
import dev.tuneforge.artifact.ArtifactManifest;
import dev.tuneforge.artifact.LocalArtifacts;
import dev.tuneforge.artifact.ManifestCodec;
import dev.tuneforge.events.CheckpointSaved;
import dev.tuneforge.events.Event;
import dev.tuneforge.events.TrainingCancelled;
import dev.tuneforge.events.TrainingCompleted;
import dev.tuneforge.events.TrainingFailed;
import dev.tuneforge.events.TrainingNoted;
import dev.tuneforge.events.TrainingRequested;
import dev.tuneforge.events.TrainingStarted;
import dev.tuneforge.llm.train.StepReport;
import dev.tuneforge.llm.train.TrainingResult;
import dev.tuneforge.llm.train.TrainingRun;
import dev.tuneforge.llm.train.job.JobConfig;
import dev.tuneforge.llm.train.job.JobConfigException;
import dev.tuneforge.llm.train.job.JobRunner;
import dev.tuneforge.llm.train.job.process.EngineCrashed;
import dev.tuneforge.llm.train.job.process.EngineFailed;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.artifact.ArtifactStore;
import dev.tuneforge.trainer.request.JobSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * One job, run to its end on the calling thread: fetches the base model and the dataset through the
 * artifact layer into a work folder, publishes the validation records, trains through {@link
 * JobRunner#start} (in this JVM or in a process of its own, see {@link JobEngine}) and publishes
 * checkpoints and the output (PEFT adapter or HF model) as artifacts, reporting TrainingStarted,
 * progress, CheckpointSaved and then exactly one of TrainingCompleted, TrainingFailed or
 * TrainingCancelled. The work folder is deleted at the end.
 */
final class JobRun {

  private static final Logger LOG = Logger.getLogger(JobRun.class);

  /** How the run reaches the outside: facts, artifacts, the job's cancel flag, settings. */
  record Context(
      Consumer<Event> publish,
      ArtifactStore artifacts,
      BooleanSupplier cancelRecorded,
      String workerId,
      Path workRoot,
      JobEngine engine,
      int progressEverySteps,
      Duration progressMaxInterval) {}

  private final TrainingRequested request;
  private final Context ctx;
  private final int attempt;
  private final Long resumeStep;
  private volatile boolean cancelled;
  private volatile boolean shuttingDown;
  private volatile TrainingRun run;

  /** Publishes the running job's facts in order, off the training thread. */
  private final java.util.concurrent.ExecutorService reporter;

  /**
   * @param attempt 1 for the first start; more when the job is taken up again
   * @param resumeStep the step of the job's newest checkpoint in the bucket to continue from, or
   *     null to start from step 0
   */
  JobRun(TrainingRequested request, Context ctx, int attempt, Long resumeStep) {
    this.request = request;
    this.ctx = ctx;
    this.attempt = attempt;
    this.resumeStep = resumeStep;
    this.reporter =
        java.util.concurrent.Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "job-facts-" + request.jobId());
              t.setDaemon(true);
              return t;
            });
  }

  String jobId() {
    return request.jobId();
  }

  /** Stops the job within one optimizer step; it ends TrainingCancelled. */
  void cancel() {
    cancelled = true;
    TrainingRun r = run;
    if (r != null) {
      r.cancel();
    }
  }

  /**
   * Stops the run because this replica stops or hands the job to another: no end fact, the job is
   * not over, and its owner continues it from its newest checkpoint.
   */
  void stopForHandOver() {
    shuttingDown = true;
    cancel();
  }

  /** Trains the job to its end; never throws, every outcome is a fact. */
  void execute() {
    String id = request.jobId();
    long start = System.nanoTime();
    Path work = ctx.workRoot().resolve(id);
    try {
      LocalArtifacts.deleteRecursively(work);
      ctx.publish().accept(new TrainingStarted(id, ctx.workerId(), attempt, resumeStep, 0));
      if (request.team() == null) {
        throw new JobFailure(TrainingFailed.INVALID_REQUEST, "team", "the request names no team");
      }
      Path base = work.resolve("base");
      String modelPrefix =
          BucketLayout.model(
              request.baseModel(),
              request.baseRevision() == null
                  ? BucketLayout.DEFAULT_REVISION
                  : request.baseRevision());
      if (!ctx.artifacts().exists(modelPrefix)) {
        throw new JobFailure(
            TrainingFailed.INVALID_REQUEST, "model", "no base model at " + modelPrefix);
      }
      ctx.artifacts().fetch(modelPrefix, base);
      if (stopRequested()) {
        if (!shuttingDown) {
          endCancelled(null);
        }
        return;
      }
      Data data = fetchData(work.resolve("data"));
      ArtifactManifest validation = publishValidation(data.validation(), work);
      if (stopRequested()) {
        if (!shuttingDown) {
          endCancelled(null);
        }
        return;
      }
      // A request published straight to Kafka may leave these to the event's own fields.
      Map<String, Object> settings = new LinkedHashMap<>(request.hyperparameters());
      settings.putIfAbsent("seed", request.seed());
      settings.putIfAbsent("adapter", request.method());
      Path out = work.resolve("out");
      JobConfig config = JobSettings.forRun(settings, base, data.train(), data.validation(), out);
      if (resumeStep != null) {
        // The newest checkpoint, verified, where the engine's resume looks for it.
        ctx.artifacts()
            .fetch(
                BucketLayout.checkpoint(id, resumeStep),
                out.resolve("checkpoints").resolve("step-" + resumeStep));
      }
      JobProgress progress =
          new JobProgress(
              id,
              ctx.progressEverySteps(),
              ctx.progressMaxInterval(),
              this::report,
              this::publishCheckpoint,
              m -> report(new TrainingNoted(id, "info", m)));
      run = ctx.engine().start(config, progress, resumeStep != null);
      if (cancelled) {
        run.cancel();
      }
      TrainingResult result = run.await();
      if (result.interrupted()) {
        if (!shuttingDown) {
          endCancelled(result.steps());
        }
        return;
      }
      publishCompleted(result, progress, data, validation, (System.nanoTime() - start) / 1e9);
    } catch (JobConfigException e) {
      String param = JobSettings.requestField(e.key(), "hyperparameters");
      fail(
          TrainingFailed.INVALID_REQUEST,
          param,
          param + ": " + e.getMessage().substring(e.key().length() + 2));
    } catch (JobFailure e) {
      fail(e.code, e.param, e.getMessage());
    } catch (EngineCrashed e) {
      // The job's own process died (native crash, killed, out of memory); this service did not.
      LOG.errorf("job %s: %s", id, e.getMessage());
      fail(
          e.getMessage().contains("Out of Memory") || e.getMessage().contains("OutOfMemoryError")
              ? TrainingFailed.OUT_OF_MEMORY
              : TrainingFailed.ENGINE_CRASHED,
          null,
          EngineCrashed.CODE + ": " + e.getMessage());
    } catch (EngineFailed e) {
      // The run failed in its process as it would have here: the same reason.
      LOG.errorf("job %s failed: %s: %s", id, e.error(), e.getMessage());
      fail(runErrorCode(e.error()), null, e.error() + ": " + e.getMessage());
    } catch (Throwable t) {
      LOG.errorf(t, "job %s failed", id);
      String error = t.getClass().getSimpleName();
      fail(runErrorCode(error), null, error + ": " + t.getMessage());
    } finally {
      reporter.shutdown();
      try {
        LocalArtifacts.deleteRecursively(work);
      } catch (RuntimeException e) {
        LOG.warnf("cannot delete the work folder %s: %s", work, e.getMessage());
      }
    }
  }

  /** The code of a run that failed with the exception named {@code simpleClassName}. */
  private static String runErrorCode(String simpleClassName) {
    return "OutOfMemoryError".equals(simpleClassName)
        ? TrainingFailed.OUT_OF_MEMORY
        : TrainingFailed.TRAINING_ERROR;
  }

  private boolean stopRequested() {
    return cancelled || ctx.cancelRecorded().getAsBoolean();
  }

  /** The local training and validation files, and the dataset's content hash. */
  record Data(Path train, Path validation, String datasetSha256) {}

  private Data fetchData(Path dir) throws IOException {
    String prefix = BucketLayout.dataset(request.datasetName(), request.datasetVersion());
    ArtifactManifest manifest =
        ctx.artifacts()
            .find(prefix)
            .orElseThrow(
                () ->
                    new JobFailure(
                        TrainingFailed.FILE_NOT_FOUND,
                        "training_file",
                        "no dataset " + request.datasetName() + "@" + request.datasetVersion()));
    if (!request.team().equals(manifest.metadata("team").asText(""))) {
      throw new JobFailure(
          TrainingFailed.FILE_NOT_FOUND,
          "training_file",
          "dataset "
              + request.datasetName()
              + "@"
              + request.datasetVersion()
              + " is not team "
              + request.team()
              + "'s");
    }
    Path train = dir.resolve("train.jsonl");
    Path validation = dir.resolve("validation.jsonl");
    ctx.artifacts().fetchFile(prefix, manifest, "train.jsonl", train);
    if (request.validationName() != null) {
      String vPrefix = BucketLayout.dataset(request.validationName(), request.validationVersion());
      ArtifactManifest v =
          ctx.artifacts()
              .find(vPrefix)
              .orElseThrow(
                  () ->
                      new JobFailure(
                          TrainingFailed.FILE_NOT_FOUND,
                          "validation_file",
                          "no dataset at " + vPrefix));
      ctx.artifacts().fetchFile(vPrefix, v, "train.jsonl", validation);
    } else if (manifest.metadata("counts").path("validation").asLong() > 0) {
      ctx.artifacts().fetchFile(prefix, manifest, "validation.jsonl", validation);
    } else {
      List<String> lines =
          Files.readAllLines(train, StandardCharsets.UTF_8).stream()
              .filter(l -> !l.isBlank())
              .toList();
      HoldOut.Split split = HoldOut.of(lines);
      Files.write(train, split.train(), StandardCharsets.UTF_8);
      Files.write(validation, split.validation(), StandardCharsets.UTF_8);
      ctx.publish()
          .accept(
              new TrainingNoted(
                  request.jobId(),
                  "info",
                  String.format(
                      "The dataset has no validation split: %d of its %d records (10%% by content"
                          + " hash) are held out for validation and evaluation",
                      split.validation().size(), lines.size())));
    }
    return new Data(train, validation, manifest.metadata("content_hash").asText(null));
  }

  /** The validation records as an artifact the evaluator fetches verified. */
  private ArtifactManifest publishValidation(Path file, Path work) throws IOException {
    Path dir = work.resolve("validation-artifact");
    Files.createDirectories(dir);
    Files.copy(file, dir.resolve("validation.jsonl"), StandardCopyOption.REPLACE_EXISTING);
    return ctx.artifacts()
        .publish(
            dir,
            BucketLayout.validation(request.jobId()),
            ArtifactKind.DATASET,
            Map.of("job_id", request.jobId(), "split", "validation"));
  }

  private void publishCheckpoint(long step, Path dir) {
    String prefix = BucketLayout.checkpoint(request.jobId(), step);
    ArtifactManifest m = ctx.artifacts().publish(dir, prefix);
    report(
        new CheckpointSaved(
            request.jobId(), step, ctx.artifacts().objects().uri(prefix), ManifestCodec.sha256(m)));
  }

  private void publishCompleted(
      TrainingResult result,
      JobProgress progress,
      Data data,
      ArtifactManifest validation,
      double wallSeconds)
      throws IOException {
    boolean full = "full".equals(request.method());
    String prefix =
        full ? BucketLayout.runModel(request.jobId()) : BucketLayout.adapter(request.jobId());
    Path staged = result.output().resolveSibling("artifact");
    Files.createDirectories(staged);
    // The output folder also holds checkpoints/: the artifact is its top-level files.
    try (Stream<Path> files = Files.list(result.output())) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String name = f.getFileName().toString();
        if (!name.equals(ArtifactManifest.FILE_NAME)) {
          Files.copy(f, staged.resolve(name));
        }
      }
    }
    ArtifactManifest out =
        ctx.artifacts()
            .publish(
                staged,
                prefix,
                full ? ArtifactKind.MODEL : ArtifactKind.ADAPTER,
                Map.of(
                    "job_id", request.jobId(),
                    "team", request.team(),
                    "base_model", request.baseModel(),
                    "method", request.method()));
    drain();
    LOG.infof("job %s trained by %s: %d steps", request.jobId(), ctx.workerId(), result.steps());
    StepReport last = progress.last();
    List<Double> losses = result.losses();
    double finalLoss = losses.isEmpty() ? Double.NaN : losses.get(losses.size() - 1);
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("train_loss", finalLoss);
    Optional.ofNullable(progress.lastEval()).ifPresent(e -> metrics.put("valid_loss", e.loss()));
    if (last != null) {
      metrics.put("tokens_per_second", last.tokensPerSecond());
    }
    ctx.publish()
        .accept(
            new TrainingCompleted(
                request.jobId(),
                request.team(),
                request.baseModel(),
                request.baseRevision() == null
                    ? BucketLayout.DEFAULT_REVISION
                    : request.baseRevision(),
                request.method(),
                ctx.artifacts().objects().uri(prefix),
                ManifestCodec.sha256(out),
                request.datasetName(),
                request.datasetVersion(),
                data.datasetSha256(),
                ctx.artifacts().objects().uri(BucketLayout.validation(request.jobId())),
                request.suite(),
                request.suffix(),
                request.hyperparameters(),
                result.steps(),
                last == null ? 0 : last.tokens(),
                finalLoss,
                wallSeconds,
                metrics));
  }

  private void endCancelled(Long step) {
    drain();
    ctx.publish().accept(new TrainingCancelled(request.jobId(), step, "cancelled by request"));
  }

  /**
   * Ends the job TrainingFailed.
   *
   * @param code one of {@link TrainingFailed#CODES}
   * @param param the request field at fault, or null
   */
  private void fail(String code, String param, String reason) {
    if (shuttingDown) {
      LOG.infof("job %s stopped for hand-over: %s", request.jobId(), reason);
      return; // the job is not over: its next owner continues it
    }
    drain();
    TrainingRun r = run;
    Long step = r == null ? null : r.lastStep().map(StepReport::step).orElse(null);
    try {
      ctx.publish().accept(new TrainingFailed(request.jobId(), reason, step, code, param));
    } catch (RuntimeException e) {
      LOG.errorf(e, "cannot record the failure of job %s: %s", request.jobId(), reason);
    }
  }

  /**
   * Publishes a fact of the running job (progress, checkpoint, note) on the job's reporter thread,
   * in order, so the training thread never waits for the broker between steps.
   */
  private void report(Event event) {
    try {
      reporter.submit(
          () -> {
            try {
              ctx.publish().accept(event);
            } catch (RuntimeException e) {
              LOG.warnf("job %s: cannot publish %s: %s", request.jobId(), event, e.getMessage());
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException ended) {
      LOG.debugf("job %s ended; %s not published", request.jobId(), event);
    }
  }

  /** Waits until every reported fact is published, so the end fact comes last. */
  private void drain() {
    reporter.shutdown();
    try {
      if (!reporter.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS)) {
        LOG.warnf("job %s: facts still unpublished after 60 s", request.jobId());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A job that cannot run, with what its TrainingFailed carries: the message starts with the field
   * at fault ({@code "model: no base model at …"}), as the API's 400 messages do.
   */
  static final class JobFailure extends RuntimeException {
    final String code;
    final String param;

    JobFailure(String code, String param, String message) {
      super(param == null ? message : param + ": " + message);
      this.code = code;
      this.param = param;
    }
  }
}
