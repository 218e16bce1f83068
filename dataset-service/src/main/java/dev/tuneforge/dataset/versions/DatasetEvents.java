package dev.tuneforge.dataset.versions;

import dev.tuneforge.events.DatasetCurated;
import dev.tuneforge.events.DatasetRejected;
import dev.tuneforge.platform.EventPublisher;
import dev.tuneforge.storage.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Publishes the outcome of every curation as a fact: DatasetCurated or DatasetRejected. */
@ApplicationScoped
public class DatasetEvents {

  @Inject EventPublisher publisher;
  @Inject ObjectStore store;

  /** Where the outcomes go: tuneforge.dataset.events. */
  @ConfigProperty(name = "tuneforge.dataset.events-topic")
  String topic;

  /**
   * Publishes and waits for the broker's acknowledgement, so a reply to the client implies the fact
   * is recorded.
   */
  public void publish(CurationOutcome outcome, CurationRequest request, String requestId) {
    List<String> sources = new ArrayList<>();
    if (request.trainingFiles() != null) {
      sources.addAll(request.trainingFiles());
    }
    if (request.validationFile() != null) {
      sources.add(request.validationFile());
    }
    if (outcome.isRejected()) {
      List<String> reasons = outcome.reasons().stream().map(Object::toString).toList();
      send(new DatasetRejected(outcome.team(), outcome.name(), reasons, sources, requestId));
    } else {
      var m = outcome.manifest();
      var counts = m.metadata("counts");
      send(
          new DatasetCurated(
              outcome.team(),
              outcome.name(),
              outcome.version(),
              m.metadata("content_hash").asText(),
              counts.path("train").asLong(),
              counts.path("validation").asLong(),
              counts.path("dropped").asLong(),
              store.uri(DatasetVersions.prefix(outcome.name(), outcome.version())),
              sources,
              requestId));
    }
  }

  private void send(dev.tuneforge.events.Event event) {
    publisher.publish(topic, event);
  }
}
