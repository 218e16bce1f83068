package dev.tuneforge.events;

import java.util.Optional;

/**
 * The file id of a job's result file (OpenAI's {@code result_files}: a CSV of per-step metrics).
 * The trainer stores the CSV once, under the job's run folder, and shows this id on the job; the
 * files API (dataset-service) serves {@code GET /v1/files/{id}/content} for it from that folder, so
 * both derive it here. Uploaded files have ids of 24 random characters after {@code file-}, which
 * never contain a second {@code -}, so the two kinds of ids cannot collide.
 */
public final class ResultFileId {

  static final String PREFIX = "file-results-";

  private ResultFileId() {}

  /** The result file id of job {@code jobId}. */
  public static String of(String jobId) {
    return PREFIX + jobId;
  }

  /** The job whose result file {@code fileId} is, or empty for any other id. */
  public static Optional<String> jobId(String fileId) {
    if (fileId == null || !fileId.startsWith(PREFIX) || fileId.length() == PREFIX.length()) {
      return Optional.empty();
    }
    return Optional.of(fileId.substring(PREFIX.length()));
  }
}
