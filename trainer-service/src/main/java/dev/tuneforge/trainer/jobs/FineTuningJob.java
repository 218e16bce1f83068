package dev.tuneforge.trainer.jobs;

import dev.tuneforge.events.CancelRequested;
import dev.tuneforge.events.CheckpointSaved;
import dev.tuneforge.events.EventEnvelope;
import dev.tuneforge.events.TrainingCancelled;
import dev.tuneforge.events.TrainingCompleted;
import dev.tuneforge.events.TrainingFailed;
import dev.tuneforge.events.TrainingProgress;
import dev.tuneforge.events.TrainingRequested;
import dev.tuneforge.events.TrainingStarted;
import java.time.Instant;

/**
 * One job as its facts describe it, folded one event at a time by {@link #next}. The request and
 * the worker's reports travel on two topics, so they may be read in either order; the status only
 * moves forward (queued, running, then one final status, which never changes), which makes the
 * result the same whatever the interleaving.
 *
 * @param request null until the TrainingRequested fact has been read
 * @param error the fact that failed the job (its code, reason and the field at fault), or null
 */
public record FineTuningJob(
    String id,
    TrainingRequested request,
    Instant createdAt,
    JobStatus status,
    Instant startedAt,
    Instant finishedAt,
    String outputUri,
    Long trainedTokens,
    Long step,
    TrainingFailed error,
    boolean cancelRequested) {

  /** A job about which nothing has been read yet. */
  public static FineTuningJob unknown(String id) {
    return new FineTuningJob(
        id, null, null, JobStatus.QUEUED, null, null, null, null, null, null, false);
  }

  /** The job after {@code event}; unrelated event types leave it unchanged. */
  public FineTuningJob next(EventEnvelope event) {
    Instant at = event.occurredAt();
    var e = event.payload();
    if (e instanceof TrainingRequested r) {
      // A job id requested twice keeps its first request: one job per id, however often delivered.
      return request != null ? this : withRequest(r, at);
    } else if (e instanceof TrainingStarted) {
      return advance(at);
    } else if (e instanceof TrainingProgress p) {
      return advance(at).atStep(p.step());
    } else if (e instanceof CheckpointSaved c) {
      return advance(at).atStep(c.step());
    } else if (status.isFinal()) {
      return e instanceof CancelRequested ? withCancelRequested() : this;
    } else if (e instanceof TrainingCompleted c) {
      return new FineTuningJob(
          id,
          request,
          createdAt,
          JobStatus.SUCCEEDED,
          orAt(startedAt, at),
          at,
          c.outputUri(),
          c.trainedTokens(),
          c.steps(),
          null,
          cancelRequested);
    } else if (e instanceof TrainingFailed f) {
      return new FineTuningJob(
          id,
          request,
          createdAt,
          JobStatus.FAILED,
          startedAt,
          at,
          outputUri,
          trainedTokens,
          f.step() != null ? f.step() : step,
          f,
          cancelRequested);
    } else if (e instanceof TrainingCancelled c) {
      return new FineTuningJob(
          id,
          request,
          createdAt,
          JobStatus.CANCELLED,
          startedAt,
          at,
          outputUri,
          trainedTokens,
          c.step() != null ? c.step() : step,
          null,
          cancelRequested);
    } else if (e instanceof CancelRequested) {
      return withCancelRequested();
    }
    return this;
  }

  private FineTuningJob withRequest(TrainingRequested r, Instant at) {
    return new FineTuningJob(
        id,
        r,
        at,
        status,
        startedAt,
        finishedAt,
        outputUri,
        trainedTokens,
        step,
        error,
        cancelRequested);
  }

  private FineTuningJob withCancelRequested() {
    return new FineTuningJob(
        id,
        request,
        createdAt,
        status,
        startedAt,
        finishedAt,
        outputUri,
        trainedTokens,
        step,
        error,
        true);
  }

  /** Running from {@code at} on, unless the job already ran or ended. */
  private FineTuningJob advance(Instant at) {
    if (status.isFinal() || status == JobStatus.RUNNING) {
      return this;
    }
    return new FineTuningJob(
        id,
        request,
        createdAt,
        JobStatus.RUNNING,
        orAt(startedAt, at),
        finishedAt,
        outputUri,
        trainedTokens,
        step,
        error,
        cancelRequested);
  }

  private FineTuningJob atStep(long s) {
    if (status.isFinal() || (step != null && step >= s)) {
      return this;
    }
    return new FineTuningJob(
        id,
        request,
        createdAt,
        status,
        startedAt,
        finishedAt,
        outputUri,
        trainedTokens,
        s,
        error,
        cancelRequested);
  }

  private static Instant orAt(Instant existing, Instant at) {
    return existing != null ? existing : at;
  }

  /** Whether clients can see it: only a requested job is listed. */
  public boolean isRequested() {
    return request != null;
  }
}
