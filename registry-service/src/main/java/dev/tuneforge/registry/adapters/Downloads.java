package dev.tuneforge.registry.adapters;

import dev.tuneforge.artifact.ArtifactManifest;
import dev.tuneforge.artifact.ManifestEntry;
import dev.tuneforge.platform.S3Config;
import dev.tuneforge.registry.state.VersionView;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.ObjectStore;
import dev.tuneforge.storage.S3Location;
import dev.tuneforge.storage.S3Settings;
import dev.tuneforge.storage.StoredObject;
import dev.tuneforge.storage.artifact.ArtifactStore;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Presigned URLs for a version's files: every file of its artifact's manifest (sha256 and size as
 * the manifest lists them) and its model card, written beside the version first so it shows the
 * current stage and metrics. The caller has already been checked to own the version.
 */
@ApplicationScoped
public class Downloads {

  public static final String CARD = "README.md";

  @Inject ObjectStore store;
  @Inject ArtifactStore artifacts;
  @Inject S3Config s3;

  /**
   * Where clients reach S3 when it differs from the service's own address (docker-compose,
   * Kubernetes): presigned URLs are signed for this host. Unset: the service's endpoint.
   */
  @ConfigProperty(name = "tuneforge.registry.download-endpoint")
  Optional<String> downloadEndpoint;

  @ConfigProperty(name = "tuneforge.registry.download-region", defaultValue = "us-east-1")
  String downloadRegion;

  private volatile ObjectStore presigner;

  private ObjectStore presigner() {
    if (downloadEndpoint.isEmpty() || downloadEndpoint.get().isBlank()) {
      return store;
    }
    ObjectStore p = presigner;
    if (p == null) {
      synchronized (this) {
        if (presigner == null) {
          presigner =
              ObjectStore.presigner(
                  new S3Settings(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.bucket()),
                  downloadEndpoint.get(),
                  downloadRegion);
        }
        p = presigner;
      }
    }
    return p;
  }

  @PreDestroy
  void close() {
    if (presigner != null) {
      presigner.close();
    }
  }

  /** The files of the artifact at {@code uri} and the version's card, each with a URL. */
  public List<Map<String, Object>> files(VersionView v, Duration expiry) {
    String prefix = prefixOf(v.training().outputUri());
    ArtifactManifest manifest = artifacts.manifest(prefix);
    Instant expires = Instant.now().plus(expiry);
    List<Map<String, Object>> files = new ArrayList<>();
    for (ManifestEntry e : manifest.files()) {
      files.add(
          file(
              e.path(),
              e.sha256(),
              e.bytes(),
              presigner().presignGet(prefix + e.path(), expiry),
              expires));
    }
    String cardKey =
        BucketLayout.registryVersion(v.ref().team(), v.ref().name(), v.ref().version()) + CARD;
    StoredObject card =
        store.putBytes(
            cardKey, ModelCard.render(v).getBytes(StandardCharsets.UTF_8), "text/markdown");
    files.add(
        file(CARD, card.sha256(), card.size(), presigner().presignGet(cardKey, expiry), expires));
    return files;
  }

  /** Presigned URLs for every file of the artifact at {@code prefix} (an export). */
  public List<Map<String, Object>> artifactFiles(String prefix, Duration expiry) {
    ArtifactManifest manifest = artifacts.manifest(prefix);
    Instant expires = Instant.now().plus(expiry);
    List<Map<String, Object>> files = new ArrayList<>();
    for (ManifestEntry e : manifest.files()) {
      files.add(
          file(
              e.path(),
              e.sha256(),
              e.bytes(),
              presigner().presignGet(prefix + e.path(), expiry),
              expires));
    }
    return files;
  }

  public String uriOf(String prefix) {
    return store.uri(prefix);
  }

  /** The key prefix of an artifact URI in this service's bucket. */
  public String prefixOf(String uri) {
    S3Location at = S3Location.parse(uri);
    if (!at.bucket().equals(store.bucket())) {
      throw new IllegalStateException(
          "artifact " + uri + " is not in this registry's bucket " + store.bucket());
    }
    return at.prefix();
  }

  private static Map<String, Object> file(
      String path, String sha256, long bytes, String url, Instant expires) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("path", path);
    m.put("sha256", sha256);
    m.put("bytes", bytes);
    m.put("url", url);
    m.put("expires_at", expires.getEpochSecond());
    return m;
  }
}
