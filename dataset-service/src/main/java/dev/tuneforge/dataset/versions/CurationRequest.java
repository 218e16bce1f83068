package dev.tuneforge.dataset.versions;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/datasets}: which uploaded files to curate into a new version of {@code name}.
 * {@code options} are the curation knobs by their snake_case names; omitted ones keep their
 * defaults. {@code min_train_records} (default 10) rejects a request that curation leaves nearly
 * empty, such as a file of only duplicates.
 */
public record CurationRequest(
    String name,
    @JsonProperty("training_files") List<String> trainingFiles,
    @JsonProperty("validation_file") String validationFile,
    Map<String, Object> options,
    @JsonProperty("min_train_records") Integer minTrainRecords) {

  /**
   * As OpenAI's fine-tuning API: fewer than 10 training examples is not a dataset worth training
   * on.
   */
  public static final int DEFAULT_MIN_TRAIN_RECORDS = 10;
}
