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

  /**
   * An uploaded file as dataset-service's {@code POST /v1/files} leaves it: the bytes at {@code
   * files/<id>/content}, then the file's record naming its team and the validator's verdict.
   */
  public static void publishUploadedFile(
      ArtifactStore artifacts, String id, String team, String status, String content) {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    var store = artifacts.objects();
    store.putBytes(BucketLayout.fileContent(id), bytes, "application/jsonl");
    String record =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .createObjectNode()
            .put("id", id)
            .put("object", "file")
            .put("bytes", bytes.length)
            .put("created_at", 1_700_000_000L)
            .put("filename", id + ".jsonl")
            .put("purpose", "fine-tune")
            .put("team", team)
            .put("status", status)
            .put("status_details", status.equals("processed") ? null : "1 error(s): line 1")
            .put("sha256", Sha256.of(bytes))
            .toString();
    store.putBytes(
        BucketLayout.fileRecord(id), record.getBytes(StandardCharsets.UTF_8), "application/json");
  }

  /** A fresh id in the shape of dataset-service's file ids ({@code file-} + 24 characters). */
  public static String newFileId() {
    String hex = java.util.UUID.randomUUID().toString().replace("-", "");
    return "file-" + hex.substring(0, 24);
  }

  /** A model artifact holding only {@code config}: enough for the job validator's checks. */
  public static void publishConfigOnlyModel(
      ArtifactStore artifacts, String name, com.fasterxml.jackson.databind.JsonNode config) {
    try {
      Path dir = Files.createTempDirectory("config-only-model-");
      Files.writeString(dir.resolve("config.json"), config.toString());
      artifacts.publish(
          dir,
          BucketLayout.model(name, BucketLayout.DEFAULT_REVISION),
          ArtifactKind.MODEL,
          Map.of("name", name, "revision", BucketLayout.DEFAULT_REVISION));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The config.json of a Llama of about 70 B parameters (hidden 8192, 80 layers). */
  public static com.fasterxml.jackson.databind.JsonNode hugeConfig() {
    return new com.fasterxml.jackson.databind.ObjectMapper()
        .createObjectNode()
        .put("model_type", "llama")
        .put("hidden_size", 8192)
        .put("num_hidden_layers", 80)
        .put("num_attention_heads", 64)
        .put("num_key_value_heads", 8)
        .put("intermediate_size", 28672)
        .put("vocab_size", 128256)
        .put("rms_norm_eps", 1e-5)
        .put("max_position_embeddings", 8192)
        .put("tie_word_embeddings", false);
  }
}
