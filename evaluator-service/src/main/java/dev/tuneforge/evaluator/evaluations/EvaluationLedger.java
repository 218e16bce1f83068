package dev.tuneforge.evaluator.evaluations;

import dev.tuneforge.events.EvaluationCompleted;
import dev.tuneforge.events.EvaluationFailed;
import dev.tuneforge.events.EvaluationRequested;
import dev.tuneforge.events.EvaluationTrigger;
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
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every evaluation, by evaluation id and (automatic ones) by job id: a projection of the evaluation
 * events topic, rebuilt from the beginning at start-up. It answers the REST reads, tells the
 * automatic evaluation which jobs are already evaluated (one evaluation per job, however often its
 * {@code TrainingCompleted} is delivered) and which on-demand requests are already answered.
 */
@ApplicationScoped
public class EvaluationLedger implements ViewProjection {

  public static final String VIEW = "evaluations";

  @Inject KafkaViews views;

  @ConfigProperty(name = "tuneforge.evaluator.events-topic")
  String topic;

  private final Map<String, EvaluationRecord> byId = new ConcurrentHashMap<>();
  private final Map<String, EvaluationRecord> byJob = new ConcurrentHashMap<>();
  private final Set<String> running = ConcurrentHashMap.newKeySet();
  private volatile KafkaView view;

  void start(@Observes StartupEvent event) {
    view = views.start(VIEW, List.of(topic), this);
  }

  public KafkaView view() {
    return view;
  }

  @Override
  public void apply(EventEnvelope event, RecordPosition position) {
    Object payload = event.payload();
    if (payload instanceof EvaluationRequested q) {
      // An outcome may be read first (the two need not share a partition); it stands.
      byId.putIfAbsent(
          q.evaluationId(),
          new EvaluationRecord(
              q.evaluationId(),
              q.jobId(),
              q.team(),
              event.occurredAt(),
              EvaluationTrigger.ON_DEMAND,
              q,
              null,
              null,
              false));
    } else if (payload instanceof EvaluationCompleted c) {
      outcome(c.evaluationId(), c.jobId(), c.team(), c.trigger(), event.occurredAt(), c, null);
    } else if (payload instanceof EvaluationFailed f) {
      outcome(f.evaluationId(), f.jobId(), f.team(), f.trigger(), event.occurredAt(), null, f);
    }
  }

  private synchronized void outcome(
      String id,
      String jobId,
      String team,
      String trigger,
      Instant at,
      EvaluationCompleted c,
      EvaluationFailed f) {
    EvaluationRecord known = byId.get(id);
    if (known != null && known.done()) {
      return; // the first outcome of an evaluation stands
    }
    EvaluationRecord r =
        new EvaluationRecord(
            id,
            jobId,
            team,
            known == null ? at : known.createdAt(),
            trigger == null ? EvaluationTrigger.TRAINING_COMPLETED : trigger,
            known == null ? null : known.requested(),
            c,
            f,
            false);
    byId.put(id, r);
    if (!r.onDemand() && jobId != null) {
      byJob.putIfAbsent(jobId, r);
    }
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

  /** Marks an on-demand evaluation as being worked on (or no longer) by this replica. */
  public void running(String id, boolean now) {
    if (now) {
      running.add(id);
    } else {
      running.remove(id);
    }
  }

  public Optional<EvaluationRecord> find(String id) {
    return Optional.ofNullable(byId.get(id)).map(this::current);
  }

  /** The automatic evaluation of run {@code jobId}, once it has an outcome. */
  public Optional<EvaluationRecord> byJob(String jobId) {
    return Optional.ofNullable(byJob.get(jobId));
  }

  /** {@code team}'s evaluations, newest first (ties by id, so paging is stable). */
  public List<EvaluationRecord> all(String team) {
    return byId.values().stream()
        .filter(r -> r.team().equals(team))
        .map(this::current)
        .sorted(
            Comparator.comparing(EvaluationRecord::createdAt)
                .reversed()
                .thenComparing(EvaluationRecord::id))
        .toList();
  }

  private EvaluationRecord current(EvaluationRecord r) {
    return r.withRunning(running.contains(r.id()));
  }
}
