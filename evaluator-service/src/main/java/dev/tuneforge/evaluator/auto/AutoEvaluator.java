package dev.tuneforge.evaluator.auto;

import dev.tuneforge.evaluator.evaluations.EvaluationLedger;
import dev.tuneforge.events.EvaluationFailed;
import dev.tuneforge.events.Event;
import dev.tuneforge.events.TrainingCompleted;
import dev.tuneforge.platform.EventPublisher;
import dev.tuneforge.platform.view.PublishException;
import dev.tuneforge.platform.view.StaleViewException;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Runs the automatic evaluation of finished runs on its own worker thread, so the Kafka consumer
 * stays responsive while a model is evaluated for minutes. One evaluation per job: a job the
 * evaluation ledger already holds an outcome for is skipped, and the evaluation id is derived from
 * the job id, so a redo after a crash (the record was never acknowledged, Kafka delivers it again)
 * reuses the id and report folder. The outcome, {@code EvaluationCompleted} or {@code
 * EvaluationFailed}, is published and awaited in the ledger before the record is acknowledged.
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

  /**
   * Evaluates {@code t} on the worker unless it is already evaluated; the future completes once the
   * outcome is recorded (or the job was skipped).
   *
   * @param written when the record was written to the topic (its timestamp), or null
   * @param arrivedNanos {@link System#nanoTime()} when this service received the record
   */
  public CompletableFuture<Void> submit(TrainingCompleted t, Instant written, long arrivedNanos) {
    return CompletableFuture.runAsync(() -> evaluateOnce(t, written, arrivedNanos), worker);
  }

  /**
   * Milliseconds from the last evaluated event's record timestamp (when it was written to the
   * topic; its arrival here when there is none) to its evaluation's start; -1 before the first.
   */
  public long lastStartDelayMillis() {
    return lastStartDelayMillis;
  }

  private void evaluateOnce(TrainingCompleted t, Instant written, long arrivedNanos) {
    // Deciding "already evaluated?" needs the whole topic read; until then the job waits (the
    // record stays unacknowledged, so nothing is lost if the service stops meanwhile).
    while (!ledger.awaitCaughtUp(VIEW_WAIT)) {
      LOG.warnf(
          "job %s waits: the evaluation ledger has not caught up with its topic yet", t.jobId());
    }
    var done = ledger.byJob(t.jobId());
    if (done.isPresent()) {
      LOG.infof(
          "job %s was already evaluated (%s, %s); not evaluating again",
          t.jobId(), done.get().id(), done.get().status());
      return;
    }
    String id = EvaluationIds.forJob(t.jobId());
    long sinceArrival = (System.nanoTime() - arrivedNanos) / 1_000_000;
    long sinceWritten =
        written == null ? sinceArrival : Duration.between(written, Instant.now()).toMillis();
    lastStartDelayMillis = sinceWritten;
    LOG.infof(
        "evaluation %s of job %s (team %s, base %s) started %d ms after its TrainingCompleted was"
            + " written (%d ms after this service received it)",
        id, t.jobId(), t.team(), t.baseModel(), sinceWritten, sinceArrival);
    long start = System.nanoTime();
    Event outcome;
    try {
      outcome = evaluation.evaluate(id, t);
    } catch (Throwable e) { // an OOM or an engine error fails this evaluation, not the service
      if (e instanceof VirtualMachineError && !(e instanceof OutOfMemoryError)) {
        throw (VirtualMachineError) e;
      }
      LOG.warnf(e, "evaluation %s of job %s failed", id, t.jobId());
      outcome = new EvaluationFailed(id, t.jobId(), t.team(), reason(e));
    }
    record(outcome);
    LOG.infof(
        "evaluation %s of job %s: %s in %d ms",
        id, t.jobId(), outcome.getClass().getSimpleName(), (System.nanoTime() - start) / 1_000_000);
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
