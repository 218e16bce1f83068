package dev.tuneforge.trainer.jobs;

import dev.tuneforge.events.EventEnvelope;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
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
    jobs.compute(
        event.key(), (id, job) -> (job == null ? FineTuningJob.unknown(id) : job).next(event));
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
