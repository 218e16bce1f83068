package dev.tuneforge.platform;

import dev.tuneforge.events.EventCodec;
import dev.tuneforge.events.Topics;
import dev.tuneforge.platform.view.KafkaView;
import dev.tuneforge.platform.view.ViewProjection;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Starts this service's {@link KafkaView}s with its Kafka settings and dead-letter topic, keeps
 * them for the readiness check, and closes them on shutdown. A service starts its views at start-up
 * (an {@code @Observes StartupEvent} method) and answers queries from their projections.
 */
@ApplicationScoped
public class KafkaViews {

  @Inject KafkaConnection connection;
  @Inject EventCodec codec;

  @ConfigProperty(name = "quarkus.application.name")
  String service;

  private final List<KafkaView> views = new CopyOnWriteArrayList<>();

  /**
   * Starts a view named {@code name} over {@code topics}; undecodable records go to this service's
   * dead-letter topic.
   */
  public KafkaView start(String name, List<String> topics, ViewProjection projection) {
    return start(
        KafkaView.builder(name)
            .connection(connection.settings())
            .codec(codec)
            .deadLetterTopic(Topics.deadLetter(service))
            .topics(topics)
            .projection(projection));
  }

  /**
   * Starts a view configured by the caller, usually from {@link #builder(String)}, and keeps it for
   * readiness and shutdown.
   */
  public KafkaView start(KafkaView.Builder builder) {
    KafkaView view = builder.build();
    for (KafkaView v : views) {
      if (v.name().equals(view.name())) {
        throw new IllegalStateException("a view named '" + view.name() + "' is already running");
      }
    }
    views.add(view);
    return view.start();
  }

  /** A builder with this service's connection, codec and dead-letter topic already set. */
  public KafkaView.Builder builder(String name) {
    return KafkaView.builder(name)
        .connection(connection.settings())
        .codec(codec)
        .deadLetterTopic(Topics.deadLetter(service));
  }

  public List<KafkaView> all() {
    return List.copyOf(views);
  }

  @PreDestroy
  void closeAll() {
    for (KafkaView v : views) {
      v.close();
    }
  }
}
