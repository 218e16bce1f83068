package dev.tuneforge.evaluator.service;

import dev.tuneforge.events.AdapterVersionRecorded;
import dev.tuneforge.events.EventEnvelope;
import dev.tuneforge.platform.KafkaViews;
import dev.tuneforge.platform.view.RecordPosition;
import dev.tuneforge.platform.view.ViewProjection;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The registry's aliases and version numbers as a view of its compacted version topic, so the chat
 * endpoint serves {@code name@production} or {@code name@3} without asking the registry: the
 * registry decides, this service follows the record it wrote.
 */
@ApplicationScoped
public class RegistryAliases implements ViewProjection {

  public static final String VIEW = "registry-aliases";

  @Inject KafkaViews views;

  @ConfigProperty(name = "tuneforge.evaluator.registry-adapters-topic")
  String topic;

  private final AliasTable table = new AliasTable();

  void start(@Observes StartupEvent event) {
    views.start(VIEW, List.of(topic), this);
  }

  @Override
  public void apply(EventEnvelope event, RecordPosition position) {
    if (event.payload() instanceof AdapterVersionRecorded r) {
      table.apply(r);
    }
  }

  /** The ft: id {@code ref} names for {@code team}, if any. */
  public Optional<String> resolve(String team, String ref) {
    return table.resolve(team, ref);
  }
}
