package dev.tuneforge.platform.auth;

import java.util.List;
import java.util.Optional;

/** Read side of the key store: what the authentication filter and {@code GET /v1/keys} ask. */
public interface ApiKeyDirectory {

  /** The key whose secret hashes to {@code secretSha256}, revoked or not. */
  Optional<ApiKey> bySecretHash(String secretSha256);

  Optional<ApiKey> byId(String id);

  /** Every key, oldest first (ties by id), revoked ones included. */
  List<ApiKey> all();
}
