package dev.tuneforge.events;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Topic names, one per stream of facts, and {@link #SPECS}: every topic with its partitions and
 * settings, the one table every environment creates topics from. Services name the topics they use
 * in {@code application.properties}.
 */
public final class Topics {
  /** Requests to curate uploaded files into a dataset version (DatasetCurationRequested). */
  public static final String DATASET_REQUESTS = "tuneforge.dataset.requests";

  /** Outcomes of curation (DatasetCurated, DatasetRejected). */
  public static final String DATASET_EVENTS = "tuneforge.dataset.events";

  /** Accepted jobs and cancellations (TrainingRequested, CancelRequested), keyed by job id. */
  public static final String TRAINING_REQUESTS = "tuneforge.training.requests";

  /**
   * Everything a running job reports (Started, Progress, CheckpointSaved, Completed, Failed,
   * Cancelled).
   */
  public static final String TRAINING_EVENTS = "tuneforge.training.events";

  /** Evaluation outcomes (EvaluationCompleted, EvaluationFailed) and on-demand requests. */
  public static final String EVALUATION_EVENTS = "tuneforge.evaluation.events";

  /** Regression suite versions teams stored (EvaluationSuiteCreated), keyed by team/name. */
  public static final String EVALUATION_SUITES = "tuneforge.evaluation.suites";

  /**
   * Registry facts (AdapterRegistered, AdapterPromoted, AdapterStageChanged, AdapterArchived,
   * AdapterExportStarted, AdapterExported, AdapterExportFailed, ModelImported, ModelRejected),
   * keyed by {@code team/name} or {@code model@revision}.
   */
  public static final String REGISTRY_EVENTS = "tuneforge.registry.events";

  /**
   * The registry's log of commands (AdapterRegistrationRequested, AdapterPromotionRequested), keyed
   * by {@code team/name}: every replica folds it in order and so takes the same decisions (version
   * numbers, duplicate jobs, which of two concurrent promotions wins).
   */
  public static final String REGISTRY_COMMANDS = "tuneforge.registry.commands";

  /**
   * The current record of every registered version (AdapterVersionRecorded), keyed by {@code
   * team/name/v<n>} (compacted: the latest record of a key is that version's state).
   */
  public static final String REGISTRY_ADAPTERS = "tuneforge.registry.adapters";

  /**
   * API keys by key id (compacted: the latest record of a key id is that key, revoked or not).
   * Every service reads it as a view to authenticate callers.
   */
  public static final String API_KEYS = "tuneforge.api-keys";

  /** The services that own a dead-letter topic. */
  public static final List<String> SERVICES =
      List.of("dataset-service", "trainer-service", "evaluator-service", "registry-service");

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
          EVALUATION_SUITES,
          REGISTRY_EVENTS,
          REGISTRY_COMMANDS);

  /** How long a dead-letter topic keeps a record: long enough for someone to look at it. */
  public static final Duration DEAD_LETTER_RETENTION = Duration.ofDays(30);

  /**
   * Every topic TuneForge uses, with its settings: the one table the embedded stack, tests,
   * docker-compose and Kubernetes create topics from (a test checks the latter two match it). Fact
   * topics are append-only and kept forever, because views are rebuilt from them.
   */
  public static final List<TopicSpec> SPECS = specs();

  private static List<TopicSpec> specs() {
    List<TopicSpec> specs = new java.util.ArrayList<>();
    specs.add(TopicSpec.facts(DATASET_REQUESTS, 3, "curation requests, keyed by dataset name"));
    specs.add(TopicSpec.facts(DATASET_EVENTS, 3, "curation outcomes, keyed by dataset name"));
    specs.add(
        TopicSpec.facts(TRAINING_REQUESTS, 3, "accepted jobs and cancellations, keyed by job id"));
    specs.add(TopicSpec.facts(TRAINING_EVENTS, 3, "what running jobs report, keyed by job id"));
    specs.add(
        TopicSpec.facts(
            EVALUATION_EVENTS,
            3,
            "evaluation outcomes (keyed by job id; on-demand ones by evaluation id) and requests"));
    specs.add(TopicSpec.facts(EVALUATION_SUITES, 3, "suite versions, keyed by team/name"));
    specs.add(TopicSpec.facts(REGISTRY_EVENTS, 3, "registry facts, keyed by adapter id"));
    specs.add(
        TopicSpec.facts(REGISTRY_COMMANDS, 3, "registry commands, keyed by team/adapter name"));
    specs.add(
        TopicSpec.compacted(
            REGISTRY_ADAPTERS, 3, "current record per registered version, keyed by team/name/vN"));
    specs.add(TopicSpec.compacted(API_KEYS, 1, "API keys (hashed), keyed by key id"));
    for (String service : SERVICES) {
      specs.add(
          TopicSpec.expiring(
              deadLetter(service),
              1,
              DEAD_LETTER_RETENTION,
              "records " + service + " could not process, with the reason in headers"));
    }
    return List.copyOf(specs);
  }

  /** The settings of a declared topic. */
  public static Optional<TopicSpec> spec(String name) {
    return SPECS.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  private Topics() {}
}
