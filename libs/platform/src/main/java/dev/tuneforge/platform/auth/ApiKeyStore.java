package dev.tuneforge.platform.auth;

import dev.tuneforge.events.ApiKeyIssued;
import dev.tuneforge.events.ApiKeyRevoked;
import dev.tuneforge.events.ApiKeySecrets;
import dev.tuneforge.events.Topics;
import dev.tuneforge.platform.EventPublisher;
import dev.tuneforge.platform.KafkaViews;
import dev.tuneforge.platform.view.KafkaView;
import dev.tuneforge.platform.view.ViewProjection;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The key store of a service: an {@link ApiKeyTable} fed by a {@link KafkaView} of the compacted
 * {@code tuneforge.api-keys} topic, so every replica of every service knows a key, and a
 * revocation, as soon as its view reads the record. Issuing and revoking publish the new state of
 * the key and wait until this replica's own view has applied it (read-your-writes).
 */
@Startup
@ApplicationScoped
public class ApiKeyStore implements ApiKeyDirectory {

  /** How long a write waits for the broker and for this replica's view to apply it. */
  static final Duration WRITE_TIMEOUT = Duration.ofSeconds(15);

  @ConfigProperty(name = "tuneforge.api-keys.topic", defaultValue = Topics.API_KEYS)
  String topic;

  @Inject KafkaViews views;
  @Inject EventPublisher publisher;

  private final ApiKeyTable table = new ApiKeyTable();
  private KafkaView view;

  /** Starts the view; the service's readiness (kafka-views) stays down until it has caught up. */
  @PostConstruct
  void start() {
    view =
        views.start("api-keys", List.of(topic), ViewProjection.of(e -> table.apply(e.payload())));
  }

  public KafkaView view() {
    return view;
  }

  /**
   * Issues a key for {@code request} (already validated), visible to this replica when this
   * returns.
   */
  public IssuedKey issue(NewKey request) {
    String secret = ApiKeySecrets.newSecret();
    var event =
        new ApiKeyIssued(
            ApiKeySecrets.newId(),
            request.name() == null ? "" : request.name(),
            request.team(),
            request.role(),
            ApiKeySecrets.sha256(secret),
            Instant.now());
    publisher.publishAndAwait(topic, event, view, WRITE_TIMEOUT);
    return new IssuedKey(table.byId(event.keyId()).orElseThrow(), secret);
  }

  /**
   * Revokes key {@code id}; empty if there is none. Revoking twice keeps the first revocation time.
   */
  public Optional<ApiKey> revoke(String id) {
    Optional<ApiKey> key = table.byId(id);
    if (key.isEmpty() || key.get().revoked()) {
      return key;
    }
    ApiKey k = key.get();
    publisher.publishAndAwait(
        topic,
        new ApiKeyRevoked(
            k.id(),
            k.name(),
            k.team(),
            k.role().wireName(),
            k.secretSha256(),
            k.createdAt(),
            Instant.now()),
        view,
        WRITE_TIMEOUT);
    return table.byId(id);
  }

  @Override
  public Optional<ApiKey> bySecretHash(String secretSha256) {
    return table.bySecretHash(secretSha256);
  }

  @Override
  public Optional<ApiKey> byId(String id) {
    return table.byId(id);
  }

  @Override
  public List<ApiKey> all() {
    return table.all();
  }
}
