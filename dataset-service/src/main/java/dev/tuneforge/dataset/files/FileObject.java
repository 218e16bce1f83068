package dev.tuneforge.dataset.files;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * An uploaded file as the OpenAI files API shows it, plus TuneForge's validation verdict. {@code
 * status} is {@code processed} (every line valid) or {@code error} (see {@code validation}). {@code
 * team} owns the file: only keys of that team see it.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record FileObject(
    String id,
    String object,
    long bytes,
    @JsonProperty("created_at") long createdAt,
    String filename,
    String purpose,
    String team,
    String status,
    @JsonProperty("status_details") String statusDetails,
    String sha256,
    Validation validation) {

  /**
   * What the streaming validator found: format, counts, errors per kind and the first errors by
   * line.
   */
  public record Validation(
      String format,
      long lines,
      @JsonProperty("valid_records") long validRecords,
      @JsonProperty("error_counts") Map<String, Long> errorCounts,
      List<LineError> errors) {}

  public record LineError(long line, String kind, String message) {}
}
