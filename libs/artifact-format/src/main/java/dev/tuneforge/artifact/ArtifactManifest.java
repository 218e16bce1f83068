package dev.tuneforge.artifact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The one manifest of every multi-file artifact (dataset versions, models, checkpoints, adapters,
 * reports, exports): {@code manifest.json} in the artifact's folder, written after every file it
 * lists, so its presence means "complete" and each listed sha256 and size is what a reader must
 * find. {@code metadata} holds what the kind adds (a dataset's counts, a checkpoint's step).
 *
 * <pre>
 * {"schemaVersion": 1, "kind": "checkpoint", "createdAt": "2026-01-01T00:00:00Z",
 *  "files": [{"path": "trainable.safetensors", "sha256": "…", "bytes": 123}, …],
 *  "metadata": {"step": 400}}
 * </pre>
 */
public record ArtifactManifest(
    ArtifactKind kind,
    Instant createdAt,
    List<ManifestEntry> files,
    Map<String, JsonNode> metadata) {

  /** The manifest's file name in an artifact's folder (local or under an S3 prefix). */
  public static final String FILE_NAME = "manifest.json";

  /** Bumped when a field changes meaning; readers refuse versions they do not know. */
  public static final int SCHEMA_VERSION = 1;

  public ArtifactManifest {
    if (kind == null) {
      throw new IllegalArgumentException("manifest: kind is required");
    }
    if (createdAt == null) {
      throw new IllegalArgumentException("manifest: createdAt is required");
    }
    List<ManifestEntry> sorted = new ArrayList<>(files == null ? List.of() : files);
    sorted.sort(Comparator.comparing(ManifestEntry::path));
    Set<String> seen = new HashSet<>();
    for (ManifestEntry e : sorted) {
      if (e.path().equals(FILE_NAME)) {
        throw new IllegalArgumentException("manifest: " + FILE_NAME + " cannot list itself");
      }
      if (!seen.add(e.path())) {
        throw new IllegalArgumentException("manifest: file " + e.path() + " is listed twice");
      }
    }
    files = List.copyOf(sorted);
    Map<String, JsonNode> m = new TreeMap<>();
    if (metadata != null) {
      metadata.forEach((k, v) -> m.put(k, v == null ? null : v.deepCopy()));
    }
    metadata = Collections.unmodifiableMap(m);
  }

  /** A manifest created now; {@code metadata} values are anything Jackson can write. */
  public static ArtifactManifest of(
      ArtifactKind kind, List<ManifestEntry> files, Map<String, ?> metadata) {
    return new ArtifactManifest(kind, Instant.now(), files, ManifestCodec.toNodes(metadata));
  }

  public Optional<ManifestEntry> file(String path) {
    return files.stream().filter(e -> e.path().equals(path)).findFirst();
  }

  public long totalBytes() {
    return files.stream().mapToLong(ManifestEntry::bytes).sum();
  }

  /**
   * The metadata value under {@code key}, or a missing node ({@code isMissingNode()}) when absent.
   */
  public JsonNode metadata(String key) {
    JsonNode v = metadata.get(key);
    return v == null ? MissingNode.getInstance() : v;
  }
}
