package dev.tuneforge.evaluator.evaluations;

import dev.tuneforge.events.EvaluationCompleted;
import dev.tuneforge.events.EvaluationFailed;
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
 * Every evaluation outcome, by evaluation id and by job id: a projection of the evaluation events
 * topic, rebuilt from the beginning at start-up. It answers the REST reads and tells the automatic
 * evaluation which jobs are already evaluated (one evaluation per job, however often its {@code
 * TrainingCompleted} is delivered).
 */
@ApplicationScoped
public class EvaluationLedger implements ViewProjection {

  public static final String VIEW = "evaluations";

  @Inject KafkaViews views;

  @ConfigProperty(name = "tuneforge.evaluator.events-topic")
  String topic;

  private final Map<String, EvaluationRecord> byId = new ConcurrentHashMap<>();
  private final Map<String, EvaluationRecord> byJob = new ConcurrentHashMap<>();
  private volatile KafkaView view;

  void start(@Observes StartupEvent event) {
    view = views.start(VIEW, List.of(topic), this);
  }

  public KafkaView view() {
    return view;
  }

  @Override
  public void apply(EventEnvelope event, RecordPosition position) {
    EvaluationRecord r = null;
    if (event.payload() instanceof EvaluationCompleted c) {
      r = new EvaluationRecord(c.evaluationId(), c.jobId(), c.team(), event.occurredAt(), c, null);
    } else if (event.payload() instanceof EvaluationFailed f) {
      r = new EvaluationRecord(f.evaluationId(), f.jobId(), f.team(), event.occurredAt(), null, f);
    }
    if (r == null || byId.containsKey(r.id())) {
      return; // the first outcome of an evaluation stands
    }
    byId.put(r.id(), r);
    byJob.putIfAbsent(r.jobId(), r);
  }

  /** Whether the view has replayed the topic up to the end seen at start-up. */
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

  public Optional<EvaluationRecord> find(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  public Optional<EvaluationRecord> byJob(String jobId) {
    return Optional.ofNullable(byJob.get(jobId));
  }

  /** {@code team}'s evaluations, newest first (ties by id, so paging is stable). */
  public List<EvaluationRecord> all(String team) {
    return byId.values().stream()
        .filter(r -> r.team().equals(team))
        .sorted(
            Comparator.comparing(EvaluationRecord::createdAt)
                .reversed()
                .thenComparing(EvaluationRecord::id))
        .toList();
  }
}
