package dev.tuneforge.platform;

import dev.tuneforge.events.Event;
import dev.tuneforge.events.EventCodec;
import dev.tuneforge.events.EventEnvelope;
import dev.tuneforge.platform.view.KafkaEventPublisher;
import dev.tuneforge.platform.view.KafkaView;
import dev.tuneforge.platform.view.PublishException;
import dev.tuneforge.platform.view.RecordPosition;
import dev.tuneforge.platform.view.StaleViewException;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Publishes this service's facts and blocks until the broker acknowledges them (acks=all,
 * idempotent producer), so a reply to a client means the fact is recorded. Blocking: call it from a
 * worker thread ({@code @Blocking} or a plain JAX-RS method), never from the event loop.
 */
@ApplicationScoped
public class EventPublisher {

  @Inject KafkaConnection connection;
  @Inject EventCodec codec;

  @ConfigProperty(name = "quarkus.application.name")
  String service;

  private volatile KafkaEventPublisher publisher;

  /** Publishes {@code event} in a new envelope, keyed by its key; returns where it landed. */
  public RecordPosition publish(String topic, Event event) {
    return publisher().publish(topic, event);
  }

  /** Publishes an envelope built by the caller (e.g. to keep one eventId across retries). */
  public RecordPosition publish(String topic, EventEnvelope envelope) {
    return publisher().publish(topic, envelope);
  }

  /**
   * Read-your-writes: publishes, then waits until {@code view} has applied the record, so the
   * client's next read from this service sees it.
   *
   * @throws PublishException if the broker did not acknowledge the record
   * @throws StaleViewException if the record is recorded but the view did not reach it in time
   */
  public RecordPosition publishAndAwait(
      String topic, Event event, KafkaView view, Duration timeout) {
    RecordPosition at = publish(topic, event);
    try {
      if (!view.awaitPosition(at, timeout)) {
        throw new StaleViewException(view.name(), at, timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StaleViewException(view.name(), at, timeout);
    }
    return at;
  }

  private KafkaEventPublisher publisher() {
    KafkaEventPublisher p = publisher;
    if (p == null) {
      synchronized (this) {
        if (publisher == null) {
          publisher = new KafkaEventPublisher(connection.settings(), codec, service);
        }
        p = publisher;
      }
    }
    return p;
  }

  @PreDestroy
  void close() {
    if (publisher != null) {
      publisher.close();
    }
  }
}
