package dev.tuneforge.evaluator.auto;

import dev.tuneforge.evaluator.evaluations.EvaluationLedger;
import dev.tuneforge.events.EvaluationFailed;
import dev.tuneforge.events.EvaluationRequested;
import dev.tuneforge.events.EvaluationTrigger;
import dev.tuneforge.events.Event;
import dev.tuneforge.events.TrainingCompleted;
import dev.tuneforge.platform.EventPublisher;
import dev.tuneforge.platform.view.PublishException;
import dev.tuneforge.platform.view.StaleViewException;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Runs the automatic evaluation of finished runs, and on-demand evaluations, on its own worker
 * thread, so the Kafka consumer stays responsive while a model is evaluated for minutes. One
 * evaluation per job: a job the evaluation ledger already holds an outcome for is skipped, and the
 * evaluation id is derived from the job id, so a redo after a crash (the record was never
 * acknowledged, Kafka delivers it again) reuses the id and report folder. The outcome, {@code
 * EvaluationCompleted} or {@code EvaluationFailed}, is published and awaited in the ledger before
 * the record is acknowledged.
 */
@ApplicationScoped
public class AutoEvaluator {
  private static final Logger LOG = Logger.getLogger(AutoEvaluator.class);
  private static final Duration VIEW_WAIT = Duration.ofSeconds(60);
  private static final int PUBLISH_ATTEMPTS = 5;

  @Inject JobEvaluation evaluation;
  @Inject EvaluationLedger ledger;
  @Inject EventPublisher publisher;

  @ConfigProperty(name = "tuneforge.evaluator.events-topic")
  String topic;

  /** Evaluations run one at a time: each holds one or two models in memory. */
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "evaluation-worker");
            t.setDaemon(true);
            return t;
          });

  private volatile long lastStartDelayMillis = -1;
  private volatile long lastStartAfterArrivalMillis = -1;
  private volatile boolean stopping;

  /** What became of a submitted evaluation, so its handler knows whether to acknowledge. */
  public enum Result {
    /** The outcome is recorded on the evaluation topic: acknowledge. */
    RECORDED,
    /** It already had an outcome: acknowledge. */
    SKIPPED,
    /** The service is shutting down under it: leave unacknowledged, so it is redone. */
    ABANDONED
  }

  /** Fired before beans are destroyed: from now on a failing evaluation is a stopping one. */
  void onShutdown(@Observes ShutdownEvent event) {
    stopping = true;
  }

  /**
   * Evaluates {@code t} on the worker unless it is already evaluated; the future completes once the
   * outcome is recorded (or the job was skipped).
   *
   * @param written when the record was written to the topic (its timestamp), or null
   * @param arrivedNanos {@link System#nanoTime()} when this service received the record
   */
  public CompletableFuture<Result> submit(TrainingCompleted t, Instant written, long arrivedNanos) {
    return CompletableFuture.supplyAsync(() -> evaluateOnce(t, written, arrivedNanos), worker);
  }

  /**
   * Milliseconds from the last evaluated event's record timestamp (when it was written to the
   * topic; its arrival here when there is none) to its evaluation's start; -1 before the first.
   */
  public long lastStartDelayMillis() {
    return lastStartDelayMillis;
  }

  /**
   * Milliseconds from the last evaluated event's arrival at this service to its evaluation's start
   * (the "starts within 2 s of the event arriving"); -1 before the first.
   */
  public long lastStartAfterArrivalMillis() {
    return lastStartAfterArrivalMillis;
  }

  /**
   * Runs the on-demand evaluation {@code r} on the worker unless it already has an outcome; the
   * future completes once the outcome is recorded (or it was skipped).
   */
  public CompletableFuture<Result> submit(EvaluationRequested r) {
    return CompletableFuture.supplyAsync(() -> evaluateOnce(r), worker);
  }

  private Result evaluateOnce(TrainingCompleted t, Instant written, long arrivedNanos) {
    awaitLedger("job " + t.jobId());
    var done = ledger.byJob(t.jobId());
    if (done.isPresent()) {
      LOG.infof(
          "job %s was already evaluated (%s, %s); not evaluating again",
          t.jobId(), done.get().id(), done.get().status());
      return Result.SKIPPED;
    }
    String id = EvaluationIds.forJob(t.jobId());
    long sinceArrival = (System.nanoTime() - arrivedNanos) / 1_000_000;
    long sinceWritten =
        written == null ? sinceArrival : Duration.between(written, Instant.now()).toMillis();
    lastStartDelayMillis = sinceWritten;
    lastStartAfterArrivalMillis = sinceArrival;
    LOG.infof(
        "evaluation %s of job %s (team %s, base %s) started %d ms after its TrainingCompleted was"
            + " written (%d ms after this service received it)",
        id, t.jobId(), t.team(), t.baseModel(), sinceWritten, sinceArrival);
    return run(
        id,
        () -> evaluation.evaluate(id, t),
        reason -> new EvaluationFailed(id, t.jobId(), t.team(), reason));
  }

  private Result evaluateOnce(EvaluationRequested r) {
    String id = r.evaluationId();
    awaitLedger("evaluation " + id);
    var known = ledger.find(id);
    if (known.isPresent() && known.get().done()) {
      LOG.infof("evaluation %s is already %s; not evaluating again", id, known.get().status());
      return Result.SKIPPED;
    }
    LOG.infof(
        "on-demand evaluation %s of %s (team %s, suite %s, dataset %s) started",
        id, r.model(), r.team(), r.suite(), r.dataset());
    ledger.running(id, true);
    try {
      return run(
          id,
          () -> evaluation.evaluate(r),
          reason ->
              new EvaluationFailed(id, r.jobId(), r.team(), reason, EvaluationTrigger.ON_DEMAND));
    } finally {
      ledger.running(id, false);
    }
  }

  /**
   * Deciding "already evaluated?" needs the whole topic read; until then the work waits (the record
   * stays unacknowledged, so nothing is lost if the service stops meanwhile).
   */
  private void awaitLedger(String what) {
    while (!ledger.awaitCaughtUp(VIEW_WAIT)) {
      LOG.warnf("%s waits: the evaluation ledger has not caught up with its topic yet", what);
    }
  }

  /** Evaluates, turns any failure into {@code failed.apply(reason)}, and records the outcome. */
  private Result run(String id, Supplier<Event> work, Function<String, Event> failed) {
    long start = System.nanoTime();
    Event outcome;
    try {
      outcome = work.get();
    } catch (Throwable e) { // an OOM or an engine error fails this evaluation, not the service
      if (e instanceof VirtualMachineError && !(e instanceof OutOfMemoryError)) {
        throw (VirtualMachineError) e;
      }
      if (stopping) {
        return abandoned(id, e);
      }
      LOG.warnf(e, "evaluation %s failed", id);
      outcome = failed.apply(reason(e));
    }
    try {
      record(outcome);
    } catch (RuntimeException e) {
      if (stopping) {
        return abandoned(id, e);
      }
      throw e;
    }
    LOG.infof(
        "evaluation %s: %s in %d ms",
        id, outcome.getClass().getSimpleName(), (System.nanoTime() - start) / 1_000_000);
    return Result.RECORDED;
  }

  /**
   * A shutdown (the storage client or the producer closing under the evaluation) is not the
   * evaluation's failure: nothing is recorded and the record stays unacknowledged, so the
   * evaluation is redone after restart instead of ending as failed or in the dead-letter topic.
   */
  private static Result abandoned(String id, Throwable e) {
    LOG.infof(
        "evaluation %s stopped by the service's shutdown (%s); it is redone after restart",
        id, e.toString());
    return Result.ABANDONED;
  }

  /**
   * Publishes the outcome, retrying while the broker does not acknowledge it (a lost outcome would
   * leave the job unevaluated); a recorded outcome the ledger is slow to read counts as done.
   */
  private void record(Event outcome) {
    for (int attempt = 1; ; attempt++) {
      try {
        publisher.publishAndAwait(topic, outcome, ledger.view(), Duration.ofSeconds(30));
        return;
      } catch (StaleViewException e) {
        LOG.warnf("outcome recorded but not yet read back: %s", e.getMessage());
        return;
      } catch (PublishException e) {
        if (attempt >= PUBLISH_ATTEMPTS) {
          throw e;
        }
        LOG.warnf("publishing %s failed (attempt %d): %s", outcome, attempt, e.getMessage());
        try {
          Thread.sleep(2000L * attempt);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private static String reason(Throwable e) {
    String m = e.getMessage();
    if (e instanceof OutOfMemoryError) {
      return "out of memory while evaluating: " + m;
    }
    return m == null || m.isBlank() ? e.toString() : m;
  }

  @PreDestroy
  void stop() {
    worker.shutdownNow();
  }
}
