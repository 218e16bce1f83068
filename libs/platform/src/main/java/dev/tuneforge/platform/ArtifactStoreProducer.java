package dev.tuneforge.platform;

import dev.tuneforge.storage.ObjectStore;
import dev.tuneforge.storage.artifact.ArtifactStore;
import dev.tuneforge.storage.artifact.BlobCache;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * One {@link ArtifactStore} per service on its {@link ObjectStore}. With {@code
 * tuneforge.artifacts.cache-dir} set, fetched files are kept there by sha256 (a trainer fetching
 * the same base model twice downloads it once); without it every fetch downloads.
 */
@ApplicationScoped
public class ArtifactStoreProducer {

  @Produces
  @ApplicationScoped
  ArtifactStore artifactStore(
      ObjectStore store,
      @ConfigProperty(name = "tuneforge.artifacts.cache-dir") Optional<String> cacheDir) {
    return new ArtifactStore(
        store, cacheDir.filter(d -> !d.isBlank()).map(d -> new BlobCache(Path.of(d))).orElse(null));
  }
}
