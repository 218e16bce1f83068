package dev.tuneforge.platform.auth;

import dev.tuneforge.events.ApiKeyIssued;
import dev.tuneforge.events.ApiKeySecrets;
import dev.tuneforge.events.ApiKeyRevoked;
import dev.tuneforge.events.EventCodec;
import dev.tuneforge.events.Topics;
import dev.tuneforge.platform.view.KafkaEventPublisher;
import dev.tuneforge.platform.view.KafkaView;
import dev.tuneforge.platform.view.RecordPosition;
import dev.tuneforge.platform.view.ViewProjection;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  @ConfigProperty(name = "tuneforge.api-keys.topic", defaultValue = Topics.API_KEYS)
  String topic;

  @ConfigProperty(name = "quarkus.application.name")
  String service;

  @Inject EventCodec codec;

  private final ApiKeyTable table = new ApiKeyTable();
  private KafkaView view;
  private KafkaEventPublisher publisher;

  @PostConstruct
  void start() {
    Map<String, Object> connection = Map.of("bootstrap.servers", bootstrap);
    view = KafkaView.builder("api-keys")
        .connection(connection)
        .topics(topic)
        .deadLetterTopic(Topics.deadLetter(service))
        .codec(codec)
        .projection(ViewProjection.of(e -> table.apply(e.payload())))
        .start();
    publisher = new KafkaEventPublisher(connection, codec, service);
  }

  @PreDestroy
  void stop() {
    if (publisher != null) {
      publisher.close();
    }
    if (view != null) {
      view.close();
    }
  }

  /** Ready once the view has read the topic up to where it ended at start-up. */
  public boolean caughtUp() {
    return view.caughtUp();
  }

  public KafkaView view() {
    return view;
  }

  /** Issues a key for {@code request} (already validated), visible to this replica when this returns. */
  public IssuedKey issue(NewKey request) {
    String secret = ApiKeySecrets.newSecret();
    var event = new ApiKeyIssued(ApiKeySecrets.newId(), request.name() == null ? "" : request.name(), request.team(),
        request.role(), ApiKeySecrets.sha256(secret), Instant.now());
    await(publisher.publish(topic, event));
    return new IssuedKey(table.byId(event.keyId()).orElseThrow(), secret);
  }

  /** Revokes key {@code id}; empty if there is none. Revoking twice keeps the first revocation time. */
  public Optional<ApiKey> revoke(String id) {
    Optional<ApiKey> key = table.byId(id);
    if (key.isEmpty() || key.get().revoked()) {
      return key;
    }
    ApiKey k = key.get();
    await(publisher.publish(topic, new ApiKeyRevoked(k.id(), k.name(), k.team(), k.role().wireName(),
        k.secretSha256(), k.createdAt(), Instant.now())));
    return table.byId(id);
  }

  private void await(RecordPosition position) {
    try {
      if (!view.awaitPosition(position, WRITE_TIMEOUT)) {
        throw new IllegalStateException("the key store did not read its own write " + position + " within " + WRITE_TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the key store", e);
    }
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
