package dev.tuneforge.platform.auth;

import dev.tuneforge.events.ApiKeyIssued;
import dev.tuneforge.events.ApiKeyRevoked;
import dev.tuneforge.events.Event;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys as the {@code tuneforge.api-keys} topic describes them: each record replaces the whole
 * state of its key, so applying the topic in order (or only its compacted tail) gives the same
 * table. No Kafka here; the view that reads the topic feeds {@link #apply}.
 */
public final class ApiKeyTable implements ApiKeyDirectory {

  private final Map<String, ApiKey> byId = new ConcurrentHashMap<>();
  private final Map<String, ApiKey> byHash = new ConcurrentHashMap<>();

  /**
   * Applies one fact; events of other types are ignored. An unknown role makes the key unusable,
   * not the view.
   */
  public void apply(Event event) {
    ApiKey key;
    if (event instanceof ApiKeyIssued e) {
      key =
          new ApiKey(
              e.keyId(),
              e.name(),
              e.team(),
              Role.parse(e.role()).orElse(null),
              e.secretSha256(),
              e.createdAt(),
              null);
    } else if (event instanceof ApiKeyRevoked e) {
      key =
          new ApiKey(
              e.keyId(),
              e.name(),
              e.team(),
              Role.parse(e.role()).orElse(null),
              e.secretSha256(),
              e.createdAt(),
              e.revokedAt());
    } else {
      return;
    }
    synchronized (this) {
      ApiKey previous = byId.put(key.id(), key);
      if (previous != null && !previous.secretSha256().equals(key.secretSha256())) {
        byHash.remove(previous.secretSha256());
      }
      byHash.put(key.secretSha256(), key);
    }
  }

  @Override
  public Optional<ApiKey> bySecretHash(String secretSha256) {
    return Optional.ofNullable(byHash.get(secretSha256));
  }

  @Override
  public Optional<ApiKey> byId(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  @Override
  public List<ApiKey> all() {
    List<ApiKey> all = new ArrayList<>(byId.values());
    all.sort(Comparator.comparing(ApiKey::createdAt).thenComparing(ApiKey::id));
    return all;
  }
}
