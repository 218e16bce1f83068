package dev.tuneforge.events;

/** A complete checkpoint (manifest written last) is stored at {@code uri}. */
public record CheckpointSaved(String jobId, long step, String uri, String manifestSha256)
    implements Event {
  @Override
  public String key() {
    return jobId;
  }
}
