package dev.tuneforge.trainer.worker;

import dev.tuneforge.events.Event;
import dev.tuneforge.events.Topics;
import dev.tuneforge.events.TrainingCancelled;
import dev.tuneforge.events.TrainingCompleted;
import dev.tuneforge.events.TrainingFailed;
import dev.tuneforge.events.TrainingNoted;
import dev.tuneforge.events.TrainingRequested;
import dev.tuneforge.llm.train.job.process.JobProcessLaunch;
import dev.tuneforge.platform.EventPublisher;
import dev.tuneforge.platform.api.FieldError;
import dev.tuneforge.storage.artifact.ArtifactStore;
import dev.tuneforge.trainer.jobs.FineTuningJob;
import dev.tuneforge.trainer.jobs.JobCheckpoint;
import dev.tuneforge.trainer.jobs.JobLedger;
import dev.tuneforge.trainer.jobs.ResultFiles;
import dev.tuneforge.trainer.request.JobRequests;
import dev.tuneforge.trainer.request.JobSettings;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.utils.Utils;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The training slots of this replica: accepted jobs wait in one queue in the order their requests
 * were read and run on at most {@code max-concurrent} slot threads (one per device; one on a CPU
 * node), and at most {@code max-per-team} of one team's jobs at once (0: no limit). A job id runs
 * once here: a request for a job that is already queued or running here, or that the job ledger
 * shows started or ended, is dropped. A job naming uploaded files waits in its place, pending,
 * until their curated datasets exist ({@link #enqueue}): the consumer never waits for a curation.
 *
 * <p>Ownership follows the partitions of the requests topic: the replica assigned a job's partition
 * owns it. When partitions are assigned (start-up, another replica gone) the unfinished jobs of
 * those partitions in the ledger are taken up, a started one continuing from its newest checkpoint
 * in the bucket; when partitions are revoked their jobs stop here without an end fact, for the new
 * owner to continue. Each job trains through the engine's {@code JobRunner}, by default in a child
 * JVM of its own ({@code tuneforge.trainer.isolation}, see {@link JobEngine}).
 */
@ApplicationScoped
public class Workers {

  private static final Logger LOG = Logger.getLogger(Workers.class);

  @Inject JobLedger ledger;
  @Inject EventPublisher publisher;
  @Inject ArtifactStore artifacts;
  @Inject ResultFiles results;
  @Inject JobRequests requests;

  @ConfigProperty(name = "tuneforge.trainer.worker.max-concurrent", defaultValue = "1")
  int maxConcurrent;

  @ConfigProperty(name = "tuneforge.trainer.worker.work-dir")
  Optional<String> workDir;

  @ConfigProperty(name = "tuneforge.trainer.worker.progress-every-steps", defaultValue = "5")
  int progressEverySteps;

  @ConfigProperty(name = "tuneforge.trainer.worker.progress-max-interval", defaultValue = "10s")
  Duration progressMaxInterval;

  @ConfigProperty(name = "tuneforge.trainer.topics.events", defaultValue = Topics.TRAINING_EVENTS)
  String eventsTopic;

  /**
   * {@code process} (default): each job trains in a child JVM, so a native crash of libtorch fails
   * that job only and its memory goes back to the OS when it ends, for a JVM start and a libtorch
   * load per job. {@code in-process}: in this JVM, without that start-up cost.
   */
  @ConfigProperty(name = "tuneforge.trainer.isolation", defaultValue = PROCESS)
  volatile String isolation;

  static final String PROCESS = "process";
  static final String IN_PROCESS = "in-process";

  /** Options of the job JVMs (-Xmx, -XX:...), separated by spaces. */
  @ConfigProperty(name = "tuneforge.trainer.job-jvm-options")
  Optional<String> jobJvmOptions;

  /**
   * libtorch (and OpenMP/MKL) threads of a job process; unset: this JVM's DJL setting or its
   * default.
   */
  @ConfigProperty(name = "tuneforge.trainer.job-threads")
  Optional<Integer> jobThreads;

  /** How long a cancelled job process may take to stop before it is killed. */
  @ConfigProperty(name = "tuneforge.trainer.job-cancel-grace", defaultValue = "30s")
  Duration jobCancelGrace;

  /** How long publishing a fact waits for the ledger to show it. */
  static final Duration LEDGER_WAIT = Duration.ofSeconds(30);

  /** A job waiting for a slot: its request, its attempt, the checkpoint step to continue from. */
  record Queued(TrainingRequested request, int attempt, Long resumeStep) {}

  @ConfigProperty(name = "tuneforge.trainer.worker.max-per-team", defaultValue = "0")
  int maxPerTeam;

  private JobQueue queue;

  private JobProcessLaunch launch;

  @jakarta.annotation.PostConstruct
  void init() {
    queue = new JobQueue(maxPerTeam);
    if (!isolation.equals(PROCESS) && !isolation.equals(IN_PROCESS)) {
      throw new IllegalArgumentException(
          "tuneforge.trainer.isolation: must be process or in-process, got " + isolation);
    }
    List<String> options = new ArrayList<>();
    jobJvmOptions.ifPresent(o -> options.addAll(List.of(o.trim().split("\\s+"))));
    options.removeIf(String::isBlank);
    Map<String, String> env = new java.util.LinkedHashMap<>();
    jobThreads.ifPresent(
        n -> {
          options.add("-Dai.djl.pytorch.num_threads=" + n);
          env.put("OMP_NUM_THREADS", n.toString());
          env.put("MKL_NUM_THREADS", n.toString());
        });
    launch =
        JobProcessLaunch.ofThisJvm(options, env, workRoot().resolve("crashes"), jobCancelGrace);
  }

  /** The engine the next job trains with, as {@link #isolation} says. */
  private JobEngine engine() {
    return IN_PROCESS.equals(isolation) ? JobEngine.IN_PROCESS : JobEngine.process(launch);
  }

  private final Set<String> here = ConcurrentHashMap.newKeySet();
  private final Map<String, JobRun> running = new ConcurrentHashMap<>();
  private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
  private volatile int partitionCount;
  private final String workerId =
      "trainer-" + ManagementFactory.getRuntimeMXBean().getName().replace('@', '-');
  private final ExecutorService adopting =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "training-adopt");
            t.setDaemon(true);
            return t;
          });
  private ExecutorService slots;
  private volatile boolean stopping;

  /**
   * Resolves the uploaded files of pending jobs; a few threads, each may wait for a curation (up to
   * {@code tuneforge.trainer.file-curation-timeout}).
   */
  private final ExecutorService files =
      Executors.newFixedThreadPool(
          FILE_THREADS,
          r -> {
            Thread t = new Thread(r, "training-files");
            t.setDaemon(true);
            return t;
          });

  /** Curations awaited at once; more pending jobs wait their turn, in their places. */
  static final int FILE_THREADS = 4;

  void start(@Observes StartupEvent event) {
    AtomicInteger n = new AtomicInteger();
    slots =
        Executors.newFixedThreadPool(
            maxConcurrent,
            r -> {
              Thread t = new Thread(r, "training-slot-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    for (int i = 0; i < maxConcurrent; i++) {
      slots.submit(this::slot);
    }
  }

  void stop(@Observes ShutdownEvent event) {
    stopping = true;
    running.values().forEach(JobRun::stopForHandOver);
    adopting.shutdownNow();
    files.shutdownNow();
    if (slots != null) {
      slots.shutdownNow();
    }
  }

  /**
   * Queues an accepted request unless this job id is already here or has started or ended; returns
   * whether it was queued. Quick: the consumer acknowledges the record when this returns.
   */
  public boolean accept(TrainingRequested request) {
    String id = request.jobId();
    if (!here.add(id)) {
      LOG.infof("job %s is already queued or running here; duplicate request dropped", id);
      return false;
    }
    ledger.awaitCaughtUp(LEDGER_WAIT);
    Optional<FineTuningJob> job = ledger.find(id);
    if (job.isPresent() && (job.get().startedAt() != null || job.get().status().isFinal())) {
      here.remove(id);
      LOG.infof("job %s is already %s; request dropped", id, job.get().status().openAi());
      return false;
    }
    if (job.isPresent() && job.get().cancelRequested()) {
      here.remove(id);
      publish(new TrainingCancelled(id, null, "cancelled before it started"));
      return false;
    }
    enqueue(new Queued(request, 1, null));
    return true;
  }

  /**
   * Queues {@code job}. One that names uploaded files (a request published straight to Kafka with
   * {@code file-…} ids) waits in its place, pending, while {@link JobRequests#withFileDatasets}
   * finds or has their datasets curated on a thread of its own, so the consumer and the jobs behind
   * it go on meanwhile; it becomes runnable naming the curated datasets, or ends TrainingFailed
   * naming the field. A request the API accepted resolves at once (its datasets exist).
   */
  private void enqueue(Queued job) {
    if (!JobRequests.namesFiles(job.request())) {
      queue.add(job);
      return;
    }
    queue.addPending(job);
    try {
      files.submit(() -> resolveFiles(job));
    } catch (java.util.concurrent.RejectedExecutionException stopping) {
      queue.dropPending(job); // shutting down: the job's next owner takes it up
    }
  }

  private void resolveFiles(Queued job) {
    String id = job.request().jobId();
    TrainingRequested resolved;
    try {
      resolved = requests.withFileDatasets(job.request());
    } catch (JobSettings.SettingsException e) {
      failPending(job, e.code(), e.error());
      return;
    } catch (RuntimeException e) {
      LOG.errorf(e, "job %s: cannot resolve its files", id);
      failPending(
          job,
          TrainingFailed.SERVICE_UNAVAILABLE,
          new FieldError(null, "cannot resolve the job's files: " + e.getMessage()));
      return;
    }
    TrainingRequested named = job.request();
    if (!resolved.datasetName().equals(named.datasetName())
        || !resolved.datasetVersion().equals(named.datasetVersion())) {
      notePending(
          id,
          "training_file "
              + resolved.trainingFile()
              + " is curated as dataset "
              + resolved.datasetName()
              + "@"
              + resolved.datasetVersion());
    }
    if (!queue.ready(job, new Queued(resolved, job.attempt(), job.resumeStep()))) {
      LOG.infof("job %s left the queue while its files were resolved", id);
    }
  }

  private void notePending(String id, String message) {
    try {
      publish(new TrainingNoted(id, "info", message));
    } catch (RuntimeException e) {
      LOG.warnf("job %s: cannot publish a note: %s", id, e.getMessage());
    }
  }

  /**
   * Ends a pending job whose files were refused, unless it left the queue or this replica stops.
   */
  private void failPending(Queued job, String code, FieldError error) {
    String id = job.request().jobId();
    if (stopping || !queue.dropPending(job)) {
      LOG.infof("job %s: its files were refused (%s) after it left the queue", id, error);
      return;
    }
    try {
      publish(new TrainingFailed(id, error.toString(), null, code, error.param()));
    } catch (RuntimeException e) {
      LOG.errorf(e, "cannot record the failure of job %s: %s", id, error);
    } finally {
      here.remove(id);
    }
  }

  /** Cancels a job queued or running here; a job elsewhere is not this replica's to cancel. */
  public void cancel(String jobId) {
    JobRun run = running.get(jobId);
    if (run != null) {
      run.cancel();
      return;
    }
    if (queue.removeIf(q -> q.request().jobId().equals(jobId))) {
      publish(new TrainingCancelled(jobId, null, "cancelled before it started"));
      here.remove(jobId);
    }
  }

  /**
   * This replica now owns {@code partitions} of the requests topic: takes up, in order of creation,
   * every unfinished job of theirs the ledger shows and this replica does not hold (acknowledged
   * requests of a replica that died, or of this one before a restart).
   */
  public void assigned(Set<Integer> partitions, int count) {
    partitionCount = count;
    owned.addAll(partitions);
    adopting.submit(
        () -> {
          if (!ledger.awaitCaughtUp(Duration.ofMinutes(5))) {
            LOG.warn("the job ledger did not catch up; unfinished jobs not taken up");
            return;
          }
          List<FineTuningJob> jobs = new ArrayList<>(ledger.all());
          java.util.Collections.reverse(jobs); // oldest first
          for (FineTuningJob job : jobs) {
            if (job.status().isFinal()
                || !partitions.contains(partitionOf(job.id(), count))
                || !owned.contains(partitionOf(job.id(), count))
                || !here.add(job.id())) {
              continue;
            }
            if (job.cancelRequested()) {
              publish(new TrainingCancelled(job.id(), job.step(), "cancelled while unowned"));
              here.remove(job.id());
              continue;
            }
            List<JobCheckpoint> checkpoints = ledger.checkpoints(job.id());
            Long resume =
                checkpoints.isEmpty() ? null : checkpoints.get(checkpoints.size() - 1).stepNumber();
            LOG.infof(
                "taking up job %s (%s)%s",
                job.id(),
                job.status().openAi(),
                resume == null ? "" : " from its checkpoint at step " + resume);
            enqueue(new Queued(job.request(), ledger.starts(job.id()) + 1, resume));
          }
        });
  }

  /** {@code partitions} moved to another replica: their jobs stop here, for it to continue. */
  public void revoked(Set<Integer> partitions) {
    owned.removeAll(partitions);
    int count = partitionCount;
    if (count == 0) {
      return;
    }
    queue.removeIf(
        q -> {
          boolean gone = partitions.contains(partitionOf(q.request().jobId(), count));
          if (gone) {
            here.remove(q.request().jobId());
          }
          return gone;
        });
    List<String> stopping = new ArrayList<>();
    running.forEach(
        (id, run) -> {
          if (partitions.contains(partitionOf(id, count))) {
            run.stopForHandOver();
            stopping.add(id);
          }
        });
    // Held in the rebalance until the runs have stopped (within one optimizer step), so the new
    // owner, assigned only after this returns, never trains a job while this replica still does.
    long deadline = System.nanoTime() + HAND_OVER_WAIT.toNanos();
    while (stopping.stream().anyMatch(running::containsKey) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** How long a revocation waits for the runs it stops. */
  static final Duration HAND_OVER_WAIT = Duration.ofSeconds(60);

  /** The partition Kafka's default partitioner puts a record keyed by {@code jobId} in. */
  static int partitionOf(String jobId, int count) {
    return Utils.toPositive(Utils.murmur2(jobId.getBytes(StandardCharsets.UTF_8))) % count;
  }

  /** Jobs waiting here, in the order they will run. */
  public int queued() {
    return queue.size();
  }

  private void slot() {
    while (!stopping) {
      Queued next;
      try {
        next = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      String id = next.request().jobId();
      JobRun run =
          new JobRun(
              next.request(),
              new JobRun.Context(
                  this::publish,
                  artifacts,
                  () -> ledger.find(id).map(FineTuningJob::cancelRequested).orElse(false),
                  workerId,
                  workRoot(),
                  engine(),
                  progressEverySteps,
                  progressMaxInterval),
              next.attempt(),
              next.resumeStep());
      running.put(id, run);
      try {
        if (ledger.find(id).map(FineTuningJob::cancelRequested).orElse(false)) {
          publish(new TrainingCancelled(id, null, "cancelled before it started"));
        } else {
          run.execute();
        }
      } finally {
        running.remove(id);
        here.remove(id);
        queue.done(next);
      }
    }
  }

  /** Publishes a fact and waits until the ledger shows it, so the API and dedup see it at once. */
  private void publish(Event event) {
    if (event instanceof TrainingCompleted
        || event instanceof TrainingFailed
        || event instanceof TrainingCancelled) {
      // before the end fact: a job that shows an end status has its result file
      results.writeBeforeEnd(event.key());
    }
    publisher.publishAndAwait(eventsTopic, event, ledger.view(), LEDGER_WAIT);
  }

  private Path workRoot() {
    return Path.of(
        workDir
            .filter(d -> !d.isBlank())
            .orElse(System.getProperty("java.io.tmpdir") + "/tuneforge-trainer"));
  }
}
