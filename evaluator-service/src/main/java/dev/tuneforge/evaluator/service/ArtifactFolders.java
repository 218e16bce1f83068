package dev.tuneforge.evaluator.service;

import dev.tuneforge.artifact.ArtifactManifest;
import dev.tuneforge.artifact.ManifestCodec;
import dev.tuneforge.artifact.Sha256;
import dev.tuneforge.storage.S3Location;
import dev.tuneforge.storage.artifact.ArtifactStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Local copies of artifacts (base models, adapters, validation splits) for the engine, which reads
 * only local folders. Every copy comes through {@link ArtifactStore#fetch} (manifest checked, every
 * file's sha256 verified); a folder already fetched is reused while its manifest still equals the
 * stored one, so the same base model is downloaded once per revision.
 */
@ApplicationScoped
public class ArtifactFolders {

  @Inject ArtifactStore artifacts;

  /** Where fetched artifacts are kept, one folder per bucket prefix. */
  @ConfigProperty(
      name = "tuneforge.evaluator.work-dir",
      defaultValue = "${java.io.tmpdir}/tuneforge-evaluator")
  String workDir;

  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  /** The bucket prefix of an {@code s3://bucket/prefix/} address in this service's bucket. */
  public String prefixOf(String uri, String field) {
    S3Location at;
    try {
      at = S3Location.parse(uri);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
    }
    if (!at.bucket().equals(artifacts.objects().bucket())) {
      throw new IllegalArgumentException(
          field
              + ": '"
              + uri
              + "' is in bucket '"
              + at.bucket()
              + "', not in TuneForge's bucket '"
              + artifacts.objects().bucket()
              + "'");
    }
    return at.prefix();
  }

  /**
   * The stored manifest's own sha256 (of the bytes of {@code manifest.json}): what {@code
   * TrainingCompleted.outputSha256} names.
   */
  public String manifestSha256(String prefix) {
    return Sha256.of(artifacts.objects().getBytes(prefix + ArtifactManifest.FILE_NAME));
  }

  /** A verified local copy of the artifact at {@code prefix}. */
  public Path fetch(String prefix) {
    synchronized (locks.computeIfAbsent(prefix, p -> new Object())) {
      ArtifactManifest remote = artifacts.manifest(prefix);
      Path dir = Path.of(workDir, "artifacts").resolve(prefix);
      Path local = dir.resolve(ArtifactManifest.FILE_NAME);
      try {
        if (Files.isRegularFile(local)
            && Arrays.equals(Files.readAllBytes(local), ManifestCodec.encode(remote))) {
          return dir;
        }
        Files.createDirectories(dir.getParent());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      artifacts.fetch(prefix, dir);
      return dir;
    }
  }

  /** A fresh scratch folder under the work dir (the caller deletes it). */
  public Path scratch(String name) {
    try {
      Path parent = Files.createDirectories(Path.of(workDir, "scratch"));
      return Files.createTempDirectory(parent, name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
