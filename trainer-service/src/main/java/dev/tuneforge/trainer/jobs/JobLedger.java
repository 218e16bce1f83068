package dev.tuneforge.trainer.jobs;

import dev.tuneforge.events.CheckpointSaved;
import dev.tuneforge.events.EventEnvelope;
import dev.tuneforge.events.TrainingEvaluated;
import dev.tuneforge.events.TrainingProgress;
import dev.tuneforge.events.TrainingStarted;
import dev.tuneforge.platform.KafkaViews;
import dev.tuneforge.platform.view.KafkaView;
import dev.tuneforge.platform.view.RecordPosition;
import dev.tuneforge.platform.view.ViewProjection;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The trainer's fine-tuning jobs, a projection of the training topics and nothing else. At start-up
 * a {@link KafkaView} replays the requests and the workers' reports into it from the beginning, so
 * a restarted trainer lists every job again with the same status; until that replay reaches the end
 * offsets seen at start the service reports itself not ready.
 */
@ApplicationScoped
public class JobLedger implements ViewProjection {

  public static final String VIEW = "training-jobs";

  @Inject KafkaViews views;

  /** The topics the ledger is folded from (requests and reports). */
  @ConfigProperty(name = "tuneforge.trainer.jobs-topics")
  List<String> topics;

  private final Map<String, FineTuningJob> jobs = new ConcurrentHashMap<>();

  /** Each job's events, oldest first (appended by the view thread, read by requests). */
  private final Map<String, List<JobEvent>> events = new ConcurrentHashMap<>();

  /** Each job's checkpoints, oldest first. */
  private final Map<String, List<JobCheckpoint>> checkpoints = new ConcurrentHashMap<>();

  /** How often each job was started (a resumed job more than once). */
  private final Map<String, Integer> starts = new ConcurrentHashMap<>();

  /** Each job's newest progress report, for checkpoint metrics and the estimated finish. */
  private final Map<String, TrainingProgress> progress = new ConcurrentHashMap<>();

  /** Each job's newest evaluation, for checkpoint metrics. */
  private final Map<String, TrainingEvaluated> evaluations = new ConcurrentHashMap<>();

  private volatile KafkaView view;

  void start(@Observes StartupEvent event) {
    view = views.start(VIEW, topics, this);
  }

  /** The view feeding this ledger: for readiness and read-your-writes. */
  public KafkaView view() {
    return view;
  }

  @Override
  public void apply(EventEnvelope event, RecordPosition position) {
    String id = event.key();
    // The event first, then the status: a reader that sees a final status also sees its event.
    JobEvent.of(event)
        .ifPresent(e -> events.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(e));
    if (event.payload() instanceof TrainingStarted) {
      starts.merge(id, 1, Integer::sum);
    } else if (event.payload() instanceof TrainingProgress p) {
      progress.put(id, p);
    } else if (event.payload() instanceof TrainingEvaluated v) {
      evaluations.put(id, v);
    } else if (event.payload() instanceof CheckpointSaved c) {
      TrainingProgress p = progress.get(id);
      Map<String, Object> metrics = new LinkedHashMap<>();
      metrics.put("step", c.step());
      if (p != null && p.step() == c.step()) {
        metrics.put("train_loss", p.loss());
      }
      TrainingEvaluated v = evaluations.get(id);
      if (v != null && v.step() == c.step()) {
        metrics.put("valid_loss", v.validLoss());
      }
      checkpoints
          .computeIfAbsent(id, k -> new CopyOnWriteArrayList<>())
          .add(
              new JobCheckpoint(
                  "ftckpt-" + event.eventId(),
                  "fine_tuning.job.checkpoint",
                  event.occurredAt().getEpochSecond(),
                  c.uri(),
                  id,
                  c.step(),
                  c.manifestSha256(),
                  metrics));
    }
    jobs.compute(id, (k, job) -> (job == null ? FineTuningJob.unknown(k) : job).next(event));
  }

  /** The job's events, oldest first. */
  public List<JobEvent> events(String jobId) {
    return List.copyOf(events.getOrDefault(jobId, List.of()));
  }

  /** The job's checkpoints, oldest first. */
  public List<JobCheckpoint> checkpoints(String jobId) {
    return List.copyOf(checkpoints.getOrDefault(jobId, List.of()));
  }

  /** How many times the job was started so far. */
  public int starts(String jobId) {
    return starts.getOrDefault(jobId, 0);
  }

  /** The job's newest progress report. */
  public Optional<TrainingProgress> progress(String jobId) {
    return Optional.ofNullable(progress.get(jobId));
  }

  /**
   * Whether the ledger has replayed everything recorded before start-up, waiting up to {@code
   * timeout}.
   */
  public boolean awaitCaughtUp(Duration timeout) {
    KafkaView v = view;
    if (v == null) {
      return false;
    }
    try {
      return v.awaitCaughtUp(timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public Optional<FineTuningJob> find(String jobId) {
    return Optional.ofNullable(jobs.get(jobId)).filter(FineTuningJob::isRequested);
  }

  /** Every requested job, newest first (ties broken by id, so paging is stable). */
  public List<FineTuningJob> all() {
    return jobs.values().stream()
        .filter(FineTuningJob::isRequested)
        .sorted(
            Comparator.comparing(FineTuningJob::createdAt)
                .reversed()
                .thenComparing(FineTuningJob::id))
        .toList();
  }
}
