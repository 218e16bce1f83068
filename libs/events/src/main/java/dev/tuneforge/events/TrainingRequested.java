package dev.tuneforge.events;

import java.util.Map;

/**
 * A fine-tuning job was accepted. {@code method} is lora, qlora or full; {@code hyperparameters}
 * carries the resolved settings under the names of {@code tuneforge train}'s YAML (lora_r,
 * learning_rate, num_epochs, …), validated by the trainer's job validator.
 *
 * @param team the team that owns the job; null only in requests recorded before teams
 * @param baseRevision the base model's revision under {@code models/<name>/<revision>/}; null means
 *     {@code main}
 * @param datasetName the curated dataset the job trains on; when {@code trainingFile} is set, the
 *     dataset curated from that file (a request published straight to Kafka may leave the file id
 *     and any version here: the trainer finds, or has dataset-service curate, the file's dataset
 *     before the job runs, as the API does)
 * @param datasetVersion the curated dataset version ({@code v3}) the job trains on
 * @param validationName a dataset whose train split is the validation set, or null (then the
 *     training dataset's validation split, else a 10% hold-out)
 * @param suite the evaluation suite the evaluator runs after training, or null
 * @param metadata the client's key/value pairs (OpenAI's {@code metadata}), or null
 * @param requestedBy the id of the API key that created the job, or null
 * @param trainingFile the uploaded file id the client named as {@code training_file} (curated with
 *     default options into the dataset {@code datasetName}), or null when it named a dataset
 * @param validationFile the uploaded file id the client named as {@code validation_file}, or null
 */
public record TrainingRequested(
    String jobId,
    String baseModel,
    String datasetName,
    String datasetVersion,
    String method,
    Map<String, Object> hyperparameters,
    @Nullable String suffix,
    long seed,
    @Nullable String team,
    @Nullable String baseRevision,
    @Nullable String validationName,
    @Nullable String validationVersion,
    @Nullable String suite,
    @Nullable Map<String, String> metadata,
    @Nullable String requestedBy,
    @Nullable String trainingFile,
    @Nullable String validationFile)
    implements Event {

  /** A request that names curated datasets, not uploaded files. */
  public TrainingRequested(
      String jobId,
      String baseModel,
      String datasetName,
      String datasetVersion,
      String method,
      Map<String, Object> hyperparameters,
      @Nullable String suffix,
      long seed,
      @Nullable String team,
      @Nullable String baseRevision,
      @Nullable String validationName,
      @Nullable String validationVersion,
      @Nullable String suite,
      @Nullable Map<String, String> metadata,
      @Nullable String requestedBy) {
    this(
        jobId,
        baseModel,
        datasetName,
        datasetVersion,
        method,
        hyperparameters,
        suffix,
        seed,
        team,
        baseRevision,
        validationName,
        validationVersion,
        suite,
        metadata,
        requestedBy,
        null,
        null);
  }

  /** A request without team, validation set, suite or metadata (as recorded before teams). */
  public TrainingRequested(
      String jobId,
      String baseModel,
      String datasetName,
      String datasetVersion,
      String method,
      Map<String, Object> hyperparameters,
      String suffix,
      long seed) {
    this(
        jobId,
        baseModel,
        datasetName,
        datasetVersion,
        method,
        hyperparameters,
        suffix,
        seed,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  @Override
  public String key() {
    return jobId;
  }
}
