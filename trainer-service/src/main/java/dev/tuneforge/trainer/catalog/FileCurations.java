package dev.tuneforge.trainer.catalog;

import dev.tuneforge.events.DatasetCurated;
import dev.tuneforge.events.DatasetCurationRequested;
import dev.tuneforge.events.DatasetRejected;
import dev.tuneforge.events.Event;
import dev.tuneforge.events.EventEnvelope;
import dev.tuneforge.platform.EventPublisher;
import dev.tuneforge.platform.KafkaViews;
import dev.tuneforge.platform.view.RecordPosition;
import dev.tuneforge.platform.view.ViewProjection;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Curates an uploaded file with dataset-service's default options for a job that names the file.
 * The dataset is named after the file ({@code file-…} is a valid dataset name), so a file is
 * curated once and every later job on it reuses that version; nothing is written twice (dataset
 * -service also returns an identical version instead of storing a copy). The request travels as
 * {@link DatasetCurationRequested}, which dataset-service handles as any platform team's, and its
 * answer, {@link DatasetCurated} or {@link DatasetRejected} with the same request id, is read by a
 * view of the dataset events that completes only the answers a caller here waits for.
 */
@ApplicationScoped
public class FileCurations implements ViewProjection {

  static final String VIEW = "dataset-outcomes";

  @Inject KafkaViews views;
  @Inject EventPublisher publisher;
  @Inject CuratedDatasets datasets;

  /** Where curation requests go (dataset-service consumes them). */
  @ConfigProperty(name = "tuneforge.trainer.dataset-requests-topic")
  String requestsTopic;

  /** Where dataset-service answers. */
  @ConfigProperty(name = "tuneforge.trainer.dataset-events-topic")
  String eventsTopic;

  /** How long a job's creation waits for the curation of its file. */
  @ConfigProperty(name = "tuneforge.trainer.file-curation-timeout", defaultValue = "120s")
  Duration timeout;

  private final Map<String, CompletableFuture<Event>> waiting = new ConcurrentHashMap<>();

  void start(@Observes StartupEvent event) {
    views.start(VIEW, List.of(eventsTopic), this);
  }

  /** The file's curation was refused; {@code reasons} name its lines or the rule it failed. */
  public static final class CurationRefused extends RuntimeException {
    private final List<String> reasons;

    CurationRefused(List<String> reasons) {
      super(String.join("; ", reasons));
      this.reasons = List.copyOf(reasons);
    }

    public List<String> reasons() {
      return reasons;
    }
  }

  /** dataset-service did not answer in time (down, or busy with larger curations). */
  public static final class CurationUnanswered extends RuntimeException {
    CurationUnanswered(String message) {
      super(message);
    }
  }

  /**
   * The dataset version curated from {@code team}'s file {@code fileId} with default options: the
   * one already stored, else a new curation awaited here.
   *
   * @throws CurationRefused when dataset-service rejected the file
   * @throws CurationUnanswered when no answer came within the timeout
   */
  public CuratedDatasets.DatasetVersion curate(String team, String fileId) {
    Optional<CuratedDatasets.DatasetVersion> existing = datasets.find(team, fileId);
    if (existing.isPresent()) {
      return existing.get();
    }
    String requestId = "curate-" + UUID.randomUUID();
    CompletableFuture<Event> answer = new CompletableFuture<>();
    waiting.put(requestId, answer); // before publishing: the answer may come back at once
    try {
      publisher.publish(
          requestsTopic,
          new DatasetCurationRequested(requestId, team, fileId, List.of(fileId), Map.of()));
      Event outcome = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (outcome instanceof DatasetRejected r) {
        throw new CurationRefused(r.reasons());
      }
      DatasetCurated c = (DatasetCurated) outcome;
      return datasets
          .find(team, c.name() + "@" + c.version())
          .orElseThrow(
              () ->
                  new CurationRefused(
                      List.of(
                          "dataset "
                              + c.name()
                              + "@"
                              + c.version()
                              + " was reported curated but is not in the bucket")));
    } catch (TimeoutException e) {
      throw new CurationUnanswered(
          "the curation of file '"
              + fileId
              + "' was not answered within "
              + timeout.toSeconds()
              + " s; retry shortly");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CurationUnanswered("interrupted while waiting for the curation of " + fileId);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } finally {
      waiting.remove(requestId);
    }
  }

  @Override
  public void apply(EventEnvelope event, RecordPosition position) {
    String requestId = null;
    if (event.payload() instanceof DatasetCurated c) {
      requestId = c.requestId();
    } else if (event.payload() instanceof DatasetRejected r) {
      requestId = r.requestId();
    }
    if (requestId != null) {
      CompletableFuture<Event> f = waiting.get(requestId);
      if (f != null) {
        f.complete(event.payload());
      }
    }
  }
}
