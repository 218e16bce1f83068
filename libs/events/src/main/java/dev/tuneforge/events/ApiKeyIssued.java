package dev.tuneforge.events;

import java.time.Instant;

/**
 * An API key was issued. The secret itself is never on a topic: only its sha256, which is what a
 * service compares a presented key against. The topic is compacted by key id, so this record is the
 * key's full state until an {@link ApiKeyRevoked} replaces it.
 */
public record ApiKeyIssued(
    String keyId, String name, String team, String role, String secretSha256, Instant createdAt)
    implements Event {
  @Override
  public String key() {
    return keyId;
  }
}
