package dev.tuneforge.dataset.files;

import dev.tuneforge.artifact.ArtifactManifest;
import dev.tuneforge.artifact.ManifestEntry;
import dev.tuneforge.events.ResultFileId;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.InvalidNameException;
import dev.tuneforge.storage.artifact.ArtifactStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.util.Optional;

/**
 * Fine-tuning jobs' result files (OpenAI's {@code result_files}, purpose {@code
 * fine-tune-results}): the trainer stores each once, as the artifact {@code runs/<jobId>/metrics/}
 * whose manifest names the job's team and the CSV's file name; the files API serves it under {@link
 * ResultFileId#of}. Read through the artifact layer, so the bytes served are checked against the
 * manifest's sha256; another team's result file is absent, as any other file.
 */
@ApplicationScoped
public class ResultFiles {

  static final String PURPOSE = "fine-tune-results";

  @Inject ArtifactStore artifacts;

  /** A result file as the files API shows it, with the manifest entry of its bytes. */
  public record Found(FileObject file, String prefix, ManifestEntry entry) {}

  /** The result file {@code id} of a job of {@code team}, if there is one. */
  public Optional<Found> find(String team, String id) {
    Optional<String> jobId = ResultFileId.jobId(id);
    if (jobId.isEmpty()) {
      return Optional.empty();
    }
    String prefix;
    try {
      prefix = BucketLayout.metrics(jobId.get());
    } catch (InvalidNameException e) {
      return Optional.empty();
    }
    Optional<ArtifactManifest> manifest = artifacts.find(prefix);
    if (manifest.isEmpty() || !team.equals(manifest.get().metadata("team").asText(""))) {
      return Optional.empty();
    }
    String filename = manifest.get().metadata("filename").asText("");
    Optional<ManifestEntry> entry = manifest.get().file(filename);
    if (entry.isEmpty()) {
      return Optional.empty();
    }
    FileObject file =
        new FileObject(
            id,
            "file",
            entry.get().bytes(),
            manifest.get().createdAt().getEpochSecond(),
            filename,
            PURPOSE,
            team,
            "processed",
            null,
            entry.get().sha256(),
            null);
    return Optional.of(new Found(file, prefix, entry.get()));
  }

  /** The file's bytes, checked against the manifest as they are read. */
  public InputStream open(Found found) {
    return artifacts.open(found.prefix(), found.entry());
  }
}
