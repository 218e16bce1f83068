package dev.tuneforge.events;

/**
 * A fact that happened in TuneForge, named in the past tense. Every event is a record; its {@link
 * #key()} is the Kafka record key, so all facts about one job, dataset or adapter land on one
 * partition, in order.
 */
public sealed interface Event
    permits DatasetCurationRequested,
        DatasetCurated,
        DatasetRejected,
        TrainingRequested,
        TrainingStarted,
        TrainingProgress,
        TrainingNoted,
        TrainingEvaluated,
        CheckpointSaved,
        TrainingCompleted,
        TrainingFailed,
        TrainingCancelled,
        CancelRequested,
        EvaluationCompleted,
        EvaluationFailed,
        EvaluationRequested,
        EvaluationSuiteCreated,
        AdapterRegistrationRequested,
        AdapterPromotionRequested,
        AdapterRegistered,
        AdapterPromoted,
        AdapterStageChanged,
        AdapterArchived,
        AdapterExportStarted,
        AdapterExported,
        AdapterExportFailed,
        AdapterVersionRecorded,
        ModelImported,
        ModelRejected,
        ModelArchived,
        ApiKeyIssued,
        ApiKeyRevoked {

  /** The Kafka record key: the id of the thing this fact is about. */
  String key();
}
