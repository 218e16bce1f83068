package dev.tuneforge.trainer.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.InvalidNameException;
import dev.tuneforge.storage.ObjectNotFoundException;
import dev.tuneforge.storage.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * The files uploaded through dataset-service's {@code /v1/files}, read straight from the bucket:
 * {@code files/<id>/file.json} is the file's record, written after its bytes, naming the owning
 * team and the validator's verdict ({@code processed} or {@code error}).
 */
@ApplicationScoped
public class UploadedFiles {

  @Inject ObjectStore store;
  @Inject ObjectMapper json;

  /** What the trainer needs of an uploaded file. */
  public record UploadedFile(
      String id, String team, String filename, String status, String statusDetails) {
    public boolean processed() {
      return "processed".equals(status);
    }
  }

  /** The file {@code id} when it exists and is {@code team}'s; another team's file is absent. */
  public Optional<UploadedFile> find(String team, String id) {
    byte[] record;
    try {
      record = store.getBytes(BucketLayout.fileRecord(id));
    } catch (ObjectNotFoundException | InvalidNameException e) {
      return Optional.empty();
    }
    try {
      JsonNode f = json.readTree(record);
      if (!team.equals(f.path("team").asText(null))) {
        return Optional.empty();
      }
      return Optional.of(
          new UploadedFile(
              id,
              team,
              f.path("filename").asText(""),
              f.path("status").asText(""),
              f.path("status_details").asText(null)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the record of file " + id, e);
    }
  }
}
