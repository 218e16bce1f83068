package dev.tuneforge.registry.models;

import dev.tuneforge.artifact.ArtifactManifest;
import dev.tuneforge.artifact.LocalArtifacts;
import dev.tuneforge.artifact.ManifestCodec;
import dev.tuneforge.artifact.ManifestEntry;
import dev.tuneforge.events.Event;
import dev.tuneforge.events.ModelArchived;
import dev.tuneforge.events.ModelImported;
import dev.tuneforge.events.ModelRejected;
import dev.tuneforge.platform.EventPublisher;
import dev.tuneforge.registry.state.BaseModel;
import dev.tuneforge.registry.state.RegistryView;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.artifact.ArtifactStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Registers a base model uploaded through the artifact layer: fetches it (every file's sha256
 * checked against the manifest), lets the engine check it ({@link ModelCheck}), and records the
 * outcome as ModelImported or ModelRejected — a rejected model is never offered.
 */
@ApplicationScoped
public class ModelImports {

  @Inject ArtifactStore artifacts;
  @Inject EventPublisher publisher;
  @Inject RegistryView registry;

  @ConfigProperty(name = "tuneforge.registry.events-topic")
  String eventsTopic;

  /** Empty when nothing complete was uploaded at {@code models/<name>/<revision>/}. */
  public Optional<BaseModel> importModel(
      String name, String revision, String team, String importedBy) {
    String prefix = BucketLayout.model(name, revision);
    Optional<ArtifactManifest> manifest = artifacts.find(prefix);
    if (manifest.isEmpty()) {
      return Optional.empty();
    }
    String uri = artifacts.objects().uri(prefix);
    Path dir = tempDir();
    Event outcome;
    try {
      String reason = null;
      ModelCheck.Result check = null;
      try {
        artifacts.fetch(prefix, dir.resolve("model"));
      } catch (RuntimeException e) {
        reason = "files: " + e.getMessage();
      }
      if (reason == null) {
        check = ModelCheck.check(dir.resolve("model"));
        reason = check.rejection();
      }
      if (reason == null) {
        Map<String, String> files = new TreeMap<>();
        for (ManifestEntry e : manifest.get().files()) {
          files.put(e.path(), e.sha256());
        }
        outcome =
            new ModelImported(
                name,
                revision,
                team,
                uri,
                ManifestCodec.sha256(manifest.get()),
                check.architecture(),
                files,
                importedBy);
      } else {
        outcome = new ModelRejected(name, revision, team, uri, reason, importedBy);
      }
    } finally {
      LocalArtifacts.deleteRecursively(dir);
    }
    publisher.publishAndAwait(eventsTopic, outcome, registry.view(), Duration.ofSeconds(30));
    return registry.state().model(name, revision);
  }

  /** Records that {@code model} is no longer offered (its files stay in the bucket). */
  public void archive(BaseModel model, String by) {
    publisher.publishAndAwait(
        eventsTopic,
        new ModelArchived(model.name(), model.revision(), model.team(), by),
        registry.view(),
        Duration.ofSeconds(30));
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("registry-import-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
