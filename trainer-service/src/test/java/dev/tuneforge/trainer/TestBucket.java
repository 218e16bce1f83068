package dev.tuneforge.trainer;

import dev.tuneforge.artifact.ArtifactKind;
import dev.tuneforge.artifact.Sha256;
import dev.tuneforge.cli.basemodel.BaseModel;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.artifact.ArtifactStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Puts what a job needs into the real bucket the way the platform does: a tiny random base model in
 * HF layout under {@code models/<name>/main/} (as {@code tuneforge model publish}), and a curated
 * chat dataset under {@code datasets/<name>/v1/} with the manifest fields dataset-service writes
 * (team, content_hash, counts).
 */
public final class TestBucket {
  private TestBucket() {}

  /** A llama of hidden 32 and 2 layers with random weights, context 512. */
  public static void publishTinyModel(ArtifactStore artifacts, String name) {
    try {
      Path dir = Files.createTempDirectory("tiny-model-");
      BaseModel.init(dir, BaseModel.config(32, 2), 3);
      artifacts.publish(
          dir,
          BucketLayout.model(name, BucketLayout.DEFAULT_REVISION),
          ArtifactKind.MODEL,
          Map.of("name", name, "revision", BucketLayout.DEFAULT_REVISION));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** "What is i plus 2?" chats, {@code records} of them, no validation split. */
  public static String chats(int records) {
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < records; i++) {
      data.append("{\"messages\":[{\"role\":\"user\",\"content\":\"What is ")
          .append(i)
          .append(" plus 2?\"},{\"role\":\"assistant\",\"content\":\"")
          .append(i + 2)
          .append("\"}]}\n");
    }
    return data.toString();
  }

  /** A curated dataset version of {@code team} with {@code train} and no validation records. */
  public static void publishDataset(
      ArtifactStore artifacts, String team, String name, String version, String train) {
    try {
      Path dir = Files.createTempDirectory("dataset-");
      Files.writeString(dir.resolve("train.jsonl"), train);
      Files.writeString(dir.resolve("validation.jsonl"), "");
      Files.writeString(dir.resolve("report.json"), "{}");
      long records = train.lines().filter(l -> !l.isBlank()).count();
      artifacts.publish(
          dir,
          BucketLayout.dataset(name, version),
          ArtifactKind.DATASET,
          Map.of(
              "name",
              name,
              "version",
              version,
              "team",
              team,
              "content_hash",
              Sha256.of(train.getBytes(StandardCharsets.UTF_8)),
              "counts",
              Map.of("train", records, "validation", 0, "read", records, "dropped", 0)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
