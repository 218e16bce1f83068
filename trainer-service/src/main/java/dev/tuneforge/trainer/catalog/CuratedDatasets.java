package dev.tuneforge.trainer.catalog;

import dev.tuneforge.artifact.ArtifactManifest;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.InvalidNameException;
import dev.tuneforge.storage.ObjectStore;
import dev.tuneforge.storage.artifact.ArtifactStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The curated dataset versions dataset-service stores: dataset artifacts at {@code
 * datasets/<name>/v<n>/} holding train.jsonl and validation.jsonl, whose manifest names the owning
 * team (a dataset belongs to the team of its first version) and the content hash. Read straight
 * from the bucket, where the manifest written last makes a version visible only once complete.
 */
@ApplicationScoped
public class CuratedDatasets {

  private static final Pattern VERSION = Pattern.compile("v[1-9][0-9]{0,8}");

  @Inject ObjectStore store;
  @Inject ArtifactStore artifacts;

  /** One complete version of a team's dataset. */
  public record DatasetVersion(
      String name,
      String version,
      String team,
      String prefix,
      String contentHash,
      long trainCount,
      long validationCount) {}

  /**
   * The version {@code ref} names ({@code name@v3}, or {@code name} for the newest) when it exists
   * and belongs to {@code team}; empty otherwise, so another team's dataset looks absent.
   */
  public Optional<DatasetVersion> find(String team, String ref) {
    int at = ref.indexOf('@');
    String name = at < 0 ? ref : ref.substring(0, at);
    String version = at < 0 ? null : ref.substring(at + 1);
    List<String> versions;
    try {
      BucketLayout.segment("dataset name", name);
      versions = versions(name);
    } catch (InvalidNameException e) {
      return Optional.empty();
    }
    if (versions.isEmpty() || !team.equals(teamOf(name, versions.get(0)))) {
      return Optional.empty();
    }
    String chosen = version == null ? versions.get(versions.size() - 1) : version;
    if (!versions.contains(chosen)) {
      return Optional.empty();
    }
    String prefix = BucketLayout.dataset(name, chosen);
    ArtifactManifest m = artifacts.manifest(prefix);
    var counts = m.metadata("counts");
    return Optional.of(
        new DatasetVersion(
            name,
            chosen,
            team,
            prefix,
            m.metadata("content_hash").asText(null),
            counts.path("train").asLong(),
            counts.path("validation").asLong()));
  }

  private List<String> versions(String name) {
    List<String> versions = new ArrayList<>();
    for (String v : store.listChildren(BucketLayout.datasetVersions(name))) {
      if (VERSION.matcher(v).matches() && artifacts.exists(BucketLayout.dataset(name, v))) {
        versions.add(v);
      }
    }
    versions.sort(Comparator.comparingInt(v -> Integer.parseInt(v.substring(1))));
    return versions;
  }

  private String teamOf(String name, String version) {
    return artifacts
        .find(BucketLayout.dataset(name, version))
        .map(m -> m.metadata("team").asText(""))
        .orElse("");
  }
}
