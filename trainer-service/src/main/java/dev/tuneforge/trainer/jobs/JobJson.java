package dev.tuneforge.trainer.jobs;

import dev.tuneforge.events.FineTunedModelId;
import dev.tuneforge.events.ResultFileId;
import dev.tuneforge.events.TrainingFailed;
import dev.tuneforge.events.TrainingProgress;
import dev.tuneforge.events.TrainingRequested;
import dev.tuneforge.trainer.request.JobSettings;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A job as OpenAI's {@code fine_tuning.job} object, with TuneForge's settings beside it. */
final class JobJson {
  private JobJson() {}

  static Map<String, Object> of(FineTuningJob job, Optional<TrainingProgress> progress) {
    TrainingRequested r = job.request();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", job.id());
    m.put("object", "fine_tuning.job");
    m.put("model", r.baseModel());
    m.put("created_at", job.createdAt().getEpochSecond());
    m.put("finished_at", job.finishedAt() == null ? null : job.finishedAt().getEpochSecond());
    m.put(
        "fine_tuned_model",
        job.status() == JobStatus.SUCCEEDED && r.team() != null
            ? FineTunedModelId.of(r.baseModel(), r.team(), r.suffix(), job.id())
            : null);
    m.put("organization_id", r.team());
    m.put("status", job.status().openAi());
    // the file id the client gave, else the dataset version it named
    m.put(
        "training_file",
        r.trainingFile() != null ? r.trainingFile() : r.datasetName() + "@" + r.datasetVersion());
    m.put(
        "validation_file",
        r.validationFile() != null
            ? r.validationFile()
            : r.validationName() == null ? null : r.validationName() + "@" + r.validationVersion());
    Map<String, Object> hp = JobSettings.openAiHyperparameters(r.method(), r.hyperparameters());
    m.put("hyperparameters", hp);
    m.put("method", Map.of("type", "supervised", "supervised", Map.of("hyperparameters", hp)));
    m.put("trained_tokens", job.trainedTokens());
    m.put("result_files", ResultFiles.listed(job) ? List.of(ResultFileId.of(job.id())) : List.of());
    m.put("error", job.error() == null ? null : error(job.error()));
    m.put("seed", r.seed());
    m.put("suffix", r.suffix());
    m.put("metadata", r.metadata());
    m.put(
        "estimated_finish",
        job.status() == JobStatus.RUNNING
            ? progress
                .map(p -> Instant.now().getEpochSecond() + Math.round(p.etaSeconds()))
                .orElse(null)
            : null);
    m.put("integrations", List.of());
    Map<String, Object> tf = new LinkedHashMap<>(r.hyperparameters());
    tf.put("adapter", r.method());
    tf.put("evaluation_suite", r.suite());
    tf.put("base_revision", r.baseRevision());
    tf.put("dataset", r.datasetName() + "@" + r.datasetVersion());
    tf.put("output_uri", job.outputUri());
    tf.put("step", job.step());
    m.put("tuneforge", tf);
    return m;
  }

  /** OpenAI's job {@code error}: param is null when the failure is not about one field. */
  private static Map<String, Object> error(TrainingFailed f) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("code", f.code());
    e.put("message", f.reason());
    e.put("param", f.param());
    return e;
  }
}
