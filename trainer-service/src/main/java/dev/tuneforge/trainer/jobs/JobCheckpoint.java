package dev.tuneforge.trainer.jobs;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * A complete checkpoint of a job in OpenAI's {@code fine_tuning.job.checkpoint} shape; {@code
 * fine_tuned_model_checkpoint} is the checkpoint's artifact URI.
 */
public record JobCheckpoint(
    String id,
    String object,
    @JsonProperty("created_at") long createdAt,
    @JsonProperty("fine_tuned_model_checkpoint") String fineTunedModelCheckpoint,
    @JsonProperty("fine_tuning_job_id") String fineTuningJobId,
    @JsonProperty("step_number") long stepNumber,
    String sha256,
    Map<String, Object> metrics) {}
