package dev.tuneforge.events;

import java.util.List;

/**
 * Topic names, one per stream of facts. Services map their channels to these in
 * {@code application.properties}; a test checks every configured topic is one of these.
 */
public final class Topics {
  /** Requests to curate uploaded files into a dataset version (DatasetCurationRequested). */
  public static final String DATASET_REQUESTS = "tuneforge.dataset.requests";
  /** Outcomes of curation (DatasetCurated, DatasetRejected). */
  public static final String DATASET_EVENTS = "tuneforge.dataset.events";
  /** Accepted jobs and cancellations (TrainingRequested, CancelRequested), keyed by job id. */
  public static final String TRAINING_REQUESTS = "tuneforge.training.requests";
  /** Everything a running job reports (Started, Progress, CheckpointSaved, Completed, Failed, Cancelled). */
  public static final String TRAINING_EVENTS = "tuneforge.training.events";
  /** Evaluation outcomes (EvaluationCompleted, EvaluationFailed). */
  public static final String EVALUATION_EVENTS = "tuneforge.evaluation.events";
  /** Registry facts (AdapterRegistered, AdapterPromoted). */
  public static final String REGISTRY_EVENTS = "tuneforge.registry.events";

  /**
   * API keys (ApiKeyIssued, ApiKeyRevoked), keyed by key id, compacted: the last record of a key
   * is its whole state. Every service reads it from the beginning as its key store.
   */
  public static final String API_KEYS = "tuneforge.api-keys";

  /** Where a service's consumers put records they cannot process, with the reason in a header. */
  public static String deadLetter(String service) {
    return "tuneforge.dlq." + service;
  }

  public static final List<String> ALL =
      List.of(
          DATASET_REQUESTS,
          DATASET_EVENTS,
          TRAINING_REQUESTS,
          TRAINING_EVENTS,
          EVALUATION_EVENTS,
          REGISTRY_EVENTS,
          API_KEYS);

  private Topics() {}
}
