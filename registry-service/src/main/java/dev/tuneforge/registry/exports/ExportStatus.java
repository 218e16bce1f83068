package dev.tuneforge.registry.exports;

/**
 * Where an export is: queued (on the replica that accepted it), running (on {@code replica}),
 * succeeded (its artifact is complete in the bucket, whichever replica wrote it), or failed there
 * with the engine's reason.
 */
public record ExportStatus(String id, String status, String error, String replica) {
  public static final String QUEUED = "queued";
  public static final String RUNNING = "running";
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";
}
