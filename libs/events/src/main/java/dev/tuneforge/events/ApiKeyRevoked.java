package dev.tuneforge.events;

import java.time.Instant;

/**
 * An API key was revoked: every service refuses it from now on. It repeats the key's whole state
 * (the compacted topic keeps only the last record per key id, so this record must stand alone).
 */
public record ApiKeyRevoked(
    String keyId,
    String name,
    String team,
    String role,
    String secretSha256,
    Instant createdAt,
    Instant revokedAt)
    implements Event {
  @Override
  public String key() {
    return keyId;
  }
}
