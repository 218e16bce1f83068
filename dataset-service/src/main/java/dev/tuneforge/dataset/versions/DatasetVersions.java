package dev.tuneforge.dataset.versions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.artifact.ArtifactManifest;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.ObjectStore;
import dev.tuneforge.storage.artifact.ArtifactStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Dataset versions in the bucket: artifacts of kind {@code dataset} at {@code
 * datasets/<name>/v<n>/} ({@link BucketLayout}) with train.jsonl, validation.jsonl, report.json and
 * manifest.json (written last, by {@link ArtifactStore}). A version without a manifest is an
 * interrupted write and does not exist for readers; versions are never overwritten. Each manifest
 * names the owning team; a dataset belongs to the team of its first version.
 */
@ApplicationScoped
public class DatasetVersions {

  @Inject ObjectStore store;
  @Inject ArtifactStore artifacts;
  @Inject ObjectMapper json;

  public static String prefix(String name, String version) {
    return BucketLayout.dataset(name, version);
  }

  /** The names of {@code team}'s datasets (those with at least one complete version). */
  public List<String> names(String team) {
    List<String> names = new ArrayList<>();
    for (String n : store.listChildren(BucketLayout.DATASETS)) {
      if (DatasetNames.isValid(n) && team(n).filter(team::equals).isPresent()) {
        names.add(n);
      }
    }
    return names;
  }

  /**
   * The team owning dataset {@code name}: the team in its first complete version's manifest; empty
   * when no version exists. A manifest without a team (written before teams) belongs to no one.
   */
  public Optional<String> team(String name) {
    if (!DatasetNames.isValid(name)) {
      return Optional.empty();
    }
    List<String> all = versions(name);
    if (all.isEmpty()) {
      return Optional.empty();
    }
    return manifest(name, all.get(0)).map(m -> m.metadata("team").asText(""));
  }

  /** Complete versions of {@code name}, oldest first (v1, v2, …). */
  public List<String> versions(String name) {
    List<String> versions = new ArrayList<>();
    for (String v : store.listChildren(BucketLayout.datasetVersions(name))) {
      if (DatasetNames.isValidVersion(v) && artifacts.exists(prefix(name, v))) {
        versions.add(v);
      }
    }
    versions.sort(Comparator.comparingInt(DatasetVersions::number));
    return versions;
  }

  /**
   * The number the next version gets: one past every version folder, complete or not, so none is
   * reused.
   */
  public int nextNumber(String name) {
    int max = 0;
    for (String v : store.listChildren(BucketLayout.datasetVersions(name))) {
      if (DatasetNames.isValidVersion(v)) {
        max = Math.max(max, number(v));
      }
    }
    return max + 1;
  }

  public Optional<ArtifactManifest> manifest(String name, String version) {
    if (!DatasetNames.isValid(name) || !DatasetNames.isValidVersion(version)) {
      return Optional.empty();
    }
    return artifacts.find(prefix(name, version));
  }

  /** The version's curation report, checked against its manifest. */
  public JsonNode report(String name, String version) {
    try (InputStream in = openFile(name, version, "report.json")) {
      return json.readTree(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The existing version of {@code name} whose content hash is {@code contentHash}, if any. */
  public Optional<String> findByContentHash(String name, String contentHash) {
    for (String v : versions(name)) {
      Optional<ArtifactManifest> m = manifest(name, v);
      if (m.isPresent() && contentHash.equals(m.get().metadata("content_hash").asText())) {
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }

  /**
   * A split's records; a reader that reaches the end has had every byte checked against the
   * manifest.
   */
  public InputStream openSplit(String name, String version, String split) {
    return openFile(name, version, split + ".jsonl");
  }

  private InputStream openFile(String name, String version, String file) {
    String prefix = prefix(name, version);
    ArtifactManifest m = artifacts.manifest(prefix);
    return artifacts.open(
        prefix,
        m.file(file)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "dataset "
                            + name
                            + " "
                            + version
                            + ": "
                            + file
                            + " is not in its manifest")));
  }

  static int number(String version) {
    return Integer.parseInt(version.substring(1));
  }
}
