package dev.tuneforge.artifact;

/**
 * One file of an artifact: its path relative to the artifact's folder, sha256 and size in bytes.
 */
public record ManifestEntry(String path, String sha256, long bytes) {
  public ManifestEntry {
    ArtifactPaths.requireRelative(path);
    if (!Sha256.isHex(sha256)) {
      throw new IllegalArgumentException(
          "file " + path + ": sha256 must be 64 lower-case hex digits, was '" + sha256 + "'");
    }
    if (bytes < 0) {
      throw new IllegalArgumentException("file " + path + ": bytes must be >= 0, was " + bytes);
    }
  }
}
