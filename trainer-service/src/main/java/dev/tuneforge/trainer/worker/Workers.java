package dev.tuneforge.trainer.worker;

import dev.tuneforge.events.Event;
import dev.tuneforge.events.Topics;
import dev.tuneforge.events.TrainingCancelled;
import dev.tuneforge.events.TrainingRequested;
import dev.tuneforge.platform.EventPublisher;
import dev.tuneforge.storage.artifact.ArtifactStore;
import dev.tuneforge.trainer.jobs.FineTuningJob;
import dev.tuneforge.trainer.jobs.JobLedger;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The training slots of this replica: accepted jobs wait in one queue in the order their requests
 * were read and run on at most {@code max-concurrent} slot threads (one per device; one on a CPU
 * node). A job id runs once here: a request for a job that is already queued or running here, or
 * that the job ledger shows started or ended, is dropped. Jobs run in this JVM (no per-job process
 * yet), each through the engine's {@code JobRunner}.
 */
@ApplicationScoped
public class Workers {

  private static final Logger LOG = Logger.getLogger(Workers.class);

  @Inject JobLedger ledger;
  @Inject EventPublisher publisher;
  @Inject ArtifactStore artifacts;

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

  /** How long publishing a fact waits for the ledger to show it. */
  static final Duration LEDGER_WAIT = Duration.ofSeconds(30);

  private final LinkedBlockingDeque<TrainingRequested> queue = new LinkedBlockingDeque<>();
  private final Set<String> here = ConcurrentHashMap.newKeySet();
  private final Map<String, JobRun> running = new ConcurrentHashMap<>();
  private final String workerId =
      "trainer-" + ManagementFactory.getRuntimeMXBean().getName().replace('@', '-');
  private ExecutorService slots;
  private volatile boolean stopping;

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
    running.values().forEach(JobRun::stopForShutdown);
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
    queue.add(request);
    return true;
  }

  /** Cancels a job queued or running here; a job elsewhere is not this replica's to cancel. */
  public void cancel(String jobId) {
    JobRun run = running.get(jobId);
    if (run != null) {
      run.cancel();
      return;
    }
    if (queue.removeIf(r -> r.jobId().equals(jobId))) {
      publish(new TrainingCancelled(jobId, null, "cancelled before it started"));
      here.remove(jobId);
    }
  }

  /** Jobs waiting here, in the order they will run. */
  public int queued() {
    return queue.size();
  }

  private void slot() {
    while (!stopping) {
      TrainingRequested request;
      try {
        request = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      String id = request.jobId();
      JobRun run =
          new JobRun(
              request,
              new JobRun.Context(
                  this::publish,
                  artifacts,
                  () -> ledger.find(id).map(FineTuningJob::cancelRequested).orElse(false),
                  workerId,
                  workRoot(),
                  progressEverySteps,
                  progressMaxInterval));
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
      }
    }
  }

  /** Publishes a fact and waits until the ledger shows it, so the API and dedup see it at once. */
  private void publish(Event event) {
    publisher.publishAndAwait(eventsTopic, event, ledger.view(), LEDGER_WAIT);
  }

  private Path workRoot() {
    return Path.of(
        workDir
            .filter(d -> !d.isBlank())
            .orElse(System.getProperty("java.io.tmpdir") + "/tuneforge-trainer"));
  }
}
