package dev.tuneforge.evaluator.testing;

import dev.tuneforge.artifact.ArtifactKind;
import dev.tuneforge.artifact.ArtifactManifest;
import dev.tuneforge.artifact.Sha256;
import dev.tuneforge.events.TrainingCompleted;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.artifact.ArtifactStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Puts test inputs where a real run leaves them: base model, adapter, validation split. */
public final class Publish {
  private Publish() {}

  /** Publishes {@code dir} as base model {@code name} (revision main). */
  public static void baseModel(ArtifactStore artifacts, Path dir, String name) {
    artifacts.publish(
        dir, BucketLayout.model(name, BucketLayout.DEFAULT_REVISION), ArtifactKind.MODEL, Map.of());
  }

  /** Publishes {@code adapterDir} at {@code runs/<jobId>/adapter/}; returns its URI. */
  public static String adapter(ArtifactStore artifacts, Path adapterDir, String jobId) {
    String prefix = BucketLayout.adapter(jobId);
    artifacts.publish(adapterDir, prefix, ArtifactKind.ADAPTER, Map.of("job_id", jobId));
    return artifacts.objects().uri(prefix);
  }

  /** The sha256 of the stored manifest at {@code uri} (what TrainingCompleted carries). */
  public static String manifestSha256(ArtifactStore artifacts, String uri) {
    String prefix = uri.substring(("s3://" + artifacts.objects().bucket() + "/").length());
    return Sha256.of(artifacts.objects().getBytes(prefix + ArtifactManifest.FILE_NAME));
  }

  /** Publishes a dataset version holding {@code validation.jsonl}; returns its URI. */
  public static String validation(ArtifactStore artifacts, String name, String jsonl) {
    try {
      Path dir = Files.createTempDirectory("validation-");
      Files.writeString(dir.resolve("validation.jsonl"), jsonl);
      String prefix = BucketLayout.dataset(name, "v1");
      artifacts.publish(dir, prefix, ArtifactKind.DATASET, Map.of());
      return artifacts.objects().uri(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Publishes {@code jsonl} as {@code validation.jsonl} of dataset version {@code name@v1} owned by
   * {@code team} (as dataset-service records the owner in the manifest); returns its URI.
   */
  public static String dataset(ArtifactStore artifacts, String team, String name, String jsonl) {
    try {
      Path dir = Files.createTempDirectory("dataset-");
      Files.writeString(dir.resolve("validation.jsonl"), jsonl);
      String prefix = BucketLayout.dataset(name, "v1");
      artifacts.publish(dir, prefix, ArtifactKind.DATASET, Map.of("team", team));
      return artifacts.objects().uri(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A TrainingCompleted of a LoRA run of {@code team} on {@code baseModel}. */
  public static TrainingCompleted completed(
      String jobId,
      String team,
      String baseModel,
      String outputUri,
      String outputSha256,
      String validationUri,
      String suite,
      Map<String, Object> config) {
    return new TrainingCompleted(
        jobId,
        team,
        baseModel,
        null,
        "lora",
        outputUri,
        outputSha256,
        null,
        null,
        null,
        validationUri,
        suite,
        "test",
        config,
        150,
        1000,
        0.1,
        1.0,
        Map.of());
  }
}
