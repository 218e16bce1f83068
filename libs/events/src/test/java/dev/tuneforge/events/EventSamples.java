package dev.tuneforge.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One filled-in instance of every event type, for round-trip tests. */
final class EventSamples {
  static List<Event> all() {
    return List.of(
        new DatasetCurationRequested(
            "req-1",
            "support",
            "support-chats",
            List.of("file-a", "file-b"),
            Map.of("validation_ratio", 0.1, "pii", "redact")),
        new DatasetCurated(
            "support",
            "support-chats",
            "v3",
            "ab12",
            900,
            100,
            12,
            "s3://tuneforge/datasets/support-chats/v3/",
            List.of("file-a"),
            null),
        new DatasetRejected(
            "support",
            "support-chats",
            List.of("file-a line 7: invalid JSON"),
            List.of("file-a"),
            "req-1"),
        new TrainingRequested(
            "ftjob-1",
            "tiny-llama",
            "support-chats",
            "v3",
            "lora",
            Map.of("lora_r", 8, "learning_rate", 2.0e-4),
            "support",
            42L,
            "support-team",
            "main",
            "support-holdout",
            "v1",
            "support-regression",
            Map.of("project", "helpdesk"),
            "key-1"),
        new TrainingRequested(
            "ftjob-0", "tiny-llama", "support-chats", "v3", "lora", Map.of(), null, 7L),
        new TrainingNoted("ftjob-1", "info", "held out 10% of the training records"),
        new TrainingStarted("ftjob-1", "trainer-0", 2, 300L, 1000),
        new TrainingProgress("ftjob-1", 301, 1000, 0.3, 1.25, 1.9e-4, 0.8, 812.5, 420.0),
        new CheckpointSaved(
            "ftjob-1", 400, "s3://tuneforge/runs/ftjob-1/checkpoints/step-400/", "cd34"),
        training(),
        new TrainingFailed("ftjob-1", "dataset support-chats/v3 not found", null),
        new TrainingCancelled("ftjob-1", 120L, "user request"),
        new CancelRequested("ftjob-1", null),
        new EvaluationCompleted(
            "eval-1",
            "ftjob-1",
            "support",
            "s3://tuneforge/runs/ftjob-1/adapter/",
            "support-regressions@2",
            Map.of("exact_match", 0.75),
            Map.of("exact_match", 0.2),
            Map.of("exact_match", 0.55),
            false,
            List.of("suite case c7 passed on the base and fails on the tuned model"),
            "s3://tuneforge/evaluations/eval-1/report.json"),
        new EvaluationFailed("eval-1", "ftjob-1", "support", "adapter sha256 mismatch"),
        new EvaluationRequested(
            "eval-od-1",
            "support",
            "support@production",
            "ftjob-1",
            "s3://tuneforge/models/tiny-llama/main/",
            "s3://tuneforge/runs/ftjob-1/adapter/",
            "support-regressions@0123456789ab",
            "support-chats@v3",
            "s3://tuneforge/datasets/support-chats/v3/"),
        new EvaluationSuiteCreated(
            "support",
            "arithmetic-smoke",
            "0123456789ab",
            "{\"cases\":[],\"name\":\"arithmetic-smoke\"}",
            Instant.parse("2026-11-30T10:00:00Z")),
        new AdapterRegistrationRequested("support", "support", training()),
        new AdapterPromotionRequested(
            "support", "support", 2, "production", 1, "key-7", "reviewer", false, null),
        new AdapterRegistered(
            "support",
            "support",
            1,
            "ft:tiny-llama:support:support:ftjob-1",
            "ftjob-1",
            "lora",
            "s3://tuneforge/runs/ftjob-1/adapter/",
            "ab12",
            "tiny-llama",
            "main",
            "support-chats",
            "v3",
            "ef56",
            Map.of("eval_loss", 1.02)),
        new AdapterPromoted(
            "support", "support", 1, "production", null, "key-1", true, "hotfix before eval"),
        new AdapterStageChanged(
            "support", "support", 1, "candidate", "staging", "evaluation eval-1 passed"),
        new AdapterArchived("support", "support", 1, "key-1", "superseded"),
        new AdapterExported(
            "support",
            "support",
            1,
            "gguf-q8_0",
            "gguf",
            "q8_0",
            "s3://tuneforge/registry/support/support/v1/exports/gguf-q8_0/",
            "77aa"),
        new AdapterVersionRecorded(
            "support",
            "support",
            1,
            "ft:tiny-llama:support:support:ftjob-1",
            "production",
            List.of("production"),
            "ftjob-1",
            "s3://tuneforge/runs/ftjob-1/adapter/",
            "tiny-llama",
            "main",
            "support-chats",
            "v3",
            Map.of("exact_match", 0.75),
            true,
            "s3://tuneforge/evaluations/eval-1/report.json"),
        new ModelImported(
            "tiny-llama",
            "main",
            null,
            "s3://tuneforge/models/tiny-llama/main/",
            "0a1b",
            "LlamaForCausalLM",
            Map.of("config.json", "c0ff", "model.safetensors", "beef"),
            "key-1"),
        new ModelRejected(
            "broken-llama",
            "main",
            "support",
            "s3://tuneforge/models/broken-llama/main/",
            "model.safetensors: tensor model.norm.weight is missing",
            "key-2"),
        new ModelArchived("tiny-llama", "main", null, "key-1"),
        new ApiKeyIssued(
            "key-1",
            "ci",
            "support",
            "trainer",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            Instant.parse("2026-11-30T10:00:00Z")),
        new ApiKeyRevoked(
            "key-1",
            "ci",
            "support",
            "trainer",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            Instant.parse("2026-11-30T10:00:00Z"),
            Instant.parse("2026-11-30T11:00:00Z")));
  }

  private EventSamples() {}

  static TrainingCompleted training() {
    return new TrainingCompleted(
        "ftjob-1",
        "support",
        "tiny-llama",
        "main",
        "lora",
        "s3://tuneforge/runs/ftjob-1/adapter/",
        "ab12",
        "support-chats",
        "3",
        "ef56",
        "s3://tuneforge/datasets/support-chats/3/validation.jsonl",
        "support-regressions@2",
        "support",
        Map.of("lora_r", 8, "learning_rate", 2.0e-4),
        1000,
        512_000,
        0.91,
        312.5,
        Map.of("eval_loss", 1.02));
  }
}
