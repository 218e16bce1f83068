package dev.tuneforge.platform.auth;

import java.time.Instant;

/** A key as every service knows it: never the secret, only its sha256. */
public record ApiKey(
    String id,
    String name,
    String team,
    Role role,
    String secretSha256,
    Instant createdAt,
    Instant revokedAt) {

  public boolean revoked() {
    return revokedAt != null;
  }
}
