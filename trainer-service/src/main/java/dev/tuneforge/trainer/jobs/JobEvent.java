package dev.tuneforge.trainer.jobs;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.tuneforge.events.CancelRequested;
import dev.tuneforge.events.CheckpointSaved;
import dev.tuneforge.events.EventEnvelope;
import dev.tuneforge.events.TrainingCancelled;
import dev.tuneforge.events.TrainingCompleted;
import dev.tuneforge.events.TrainingEvaluated;
import dev.tuneforge.events.TrainingFailed;
import dev.tuneforge.events.TrainingNoted;
import dev.tuneforge.events.TrainingProgress;
import dev.tuneforge.events.TrainingRequested;
import dev.tuneforge.events.TrainingStarted;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One entry of a job's event list in OpenAI's {@code fine_tuning.job.event} shape, derived from a
 * fact about the job; its id comes from the fact's eventId, so a replay gives the same ids.
 */
public record JobEvent(
    String id,
    String object,
    @JsonProperty("created_at") long createdAt,
    String level,
    String message,
    String type,
    Map<String, Object> data) {

  /** The event a fact shows as, or empty for facts that are not shown. */
  public static Optional<JobEvent> of(EventEnvelope envelope) {
    long at = envelope.occurredAt().getEpochSecond();
    String id = "ftevent-" + envelope.eventId();
    var e = envelope.payload();
    if (e instanceof TrainingRequested r) {
      return msg(id, at, "info", "Created fine-tuning job " + r.jobId());
    } else if (e instanceof TrainingStarted s) {
      return msg(
          id,
          at,
          "info",
          s.resumedFromStep() == null
              ? "Fine-tuning job started"
              : "Fine-tuning job resumed from step " + s.resumedFromStep());
    } else if (e instanceof TrainingProgress p) {
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("step", p.step());
      data.put("total_steps", p.totalSteps());
      data.put("epoch", p.epoch());
      data.put("train_loss", p.loss());
      data.put("learning_rate", p.learningRate());
      data.put("grad_norm", p.gradNorm());
      data.put("tokens_per_second", p.tokensPerSecond());
      data.put("eta_seconds", p.etaSeconds());
      return Optional.of(
          new JobEvent(
              id,
              "fine_tuning.job.event",
              at,
              "info",
              String.format(
                  Locale.ROOT,
                  "Step %d/%d: training loss=%.4f",
                  p.step(),
                  p.totalSteps(),
                  p.loss()),
              "metrics",
              data));
    } else if (e instanceof TrainingEvaluated v) {
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("step", v.step());
      data.put("valid_loss", v.validLoss());
      return Optional.of(
          new JobEvent(
              id,
              "fine_tuning.job.event",
              at,
              "info",
              String.format(Locale.ROOT, "Step %d: validation loss=%.4f", v.step(), v.validLoss()),
              "metrics",
              data));
    } else if (e instanceof CheckpointSaved c) {
      return msg(id, at, "info", "Checkpoint saved at step " + c.step() + ": " + c.uri());
    } else if (e instanceof TrainingNoted n) {
      return msg(id, at, n.level(), n.message());
    } else if (e instanceof CancelRequested) {
      return msg(id, at, "info", "Cancellation requested");
    } else if (e instanceof TrainingCompleted c) {
      return msg(
          id, at, "info", "The job has successfully completed after " + c.steps() + " steps");
    } else if (e instanceof TrainingFailed f) {
      return msg(id, at, "error", "The job failed: " + f.reason());
    } else if (e instanceof TrainingCancelled c) {
      return msg(
          id,
          at,
          "info",
          "The job was cancelled" + (c.step() == null ? "" : " at step " + c.step()));
    }
    return Optional.empty();
  }

  private static Optional<JobEvent> msg(String id, long at, String level, String message) {
    return Optional.of(
        new JobEvent(id, "fine_tuning.job.event", at, level, message, "message", Map.of()));
  }
}
