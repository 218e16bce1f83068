package dev.tuneforge.dataset.versions;

import dev.tuneforge.events.DatasetCurated;
import dev.tuneforge.events.DatasetRejected;
import dev.tuneforge.events.EventCodec;
import dev.tuneforge.platform.KafkaEvents;
import dev.tuneforge.storage.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

/** Publishes the outcome of every curation as a fact: DatasetCurated or DatasetRejected. */
@ApplicationScoped
public class DatasetEvents {

  public static final String CHANNEL = "dataset-events";

  @Inject EventCodec codec;
  @Inject ObjectStore store;

  @Inject
  @Channel(CHANNEL)
  Emitter<String> emitter;

  /** Publishes and waits for the broker's acknowledgement, so a reply to the client implies the fact is recorded. */
  public void publish(CurationOutcome outcome, CurationRequest request, String requestId) {
    List<String> sources = new ArrayList<>();
    if (request.trainingFiles() != null) {
      sources.addAll(request.trainingFiles());
    }
    if (request.validationFile() != null) {
      sources.add(request.validationFile());
    }
    if (outcome.isRejected()) {
      send(new DatasetRejected(outcome.name(), outcome.reasons(), sources, requestId));
    } else {
      var m = outcome.manifest();
      var counts = m.metadata("counts");
      send(new DatasetCurated(outcome.name(), outcome.version(), m.metadata("content_hash").asText(),
          counts.path("train").asLong(), counts.path("validation").asLong(), counts.path("dropped").asLong(),
          store.uri(DatasetVersions.prefix(outcome.name(), outcome.version())), sources, requestId));
    }
  }

  private void send(dev.tuneforge.events.Event event) {
    var message = KafkaEvents.message(codec, event, "dataset-service");
    var done = new java.util.concurrent.CompletableFuture<Void>();
    emitter.send(message.withAck(() -> {
      done.complete(null);
      return java.util.concurrent.CompletableFuture.completedFuture(null);
    }).withNack(e -> {
      done.completeExceptionally(e);
      return java.util.concurrent.CompletableFuture.completedFuture(null);
    }));
    done.join();
  }
}
