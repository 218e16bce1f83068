package dev.tuneforge.registry.exports;

import dev.tuneforge.artifact.ArtifactKind;
import dev.tuneforge.artifact.ArtifactManifest;
import dev.tuneforge.artifact.LocalArtifacts;
import dev.tuneforge.artifact.ManifestCodec;
import dev.tuneforge.events.AdapterExported;
import dev.tuneforge.events.TrainingCompleted;
import dev.tuneforge.llm.export.gguf.GgufExporter;
import dev.tuneforge.llm.export.gguf.GgufLoraExporter;
import dev.tuneforge.llm.merge.LoraMerger;
import dev.tuneforge.platform.EventPublisher;
import dev.tuneforge.registry.adapters.Downloads;
import dev.tuneforge.registry.state.VersionRef;
import dev.tuneforge.registry.state.VersionView;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.artifact.ArtifactStore;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Exports run in the background, one at a time (they read and write whole models): fetch the
 * adapter and, unless only the adapter is needed, its base model through the artifact layer (every
 * sha256 checked), run the engine's merge or GGUF writer, and publish the result beside the version
 * at {@code registry/<team>/<name>/v<n>/exports/<id>/} (manifest last). The id is the format, so a
 * repeated request finds the same export; a complete one is never redone.
 */
@ApplicationScoped
public class Exporter {

  private static final Logger LOG = Logger.getLogger(Exporter.class);

  @Inject ArtifactStore artifacts;
  @Inject Downloads downloads;
  @Inject EventPublisher publisher;

  @ConfigProperty(name = "tuneforge.registry.events-topic")
  String eventsTopic;

  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "registry-export");
            t.setDaemon(true);
            return t;
          });
  private final Map<String, ExportStatus> local = new ConcurrentHashMap<>();

  public static String prefix(VersionRef ref, ExportFormat f) {
    return BucketLayout.export(ref.team(), ref.name(), ref.version(), f.id());
  }

  /** Starts the export unless it is complete or already queued here; returns its status. */
  public synchronized ExportStatus request(VersionView v, ExportFormat f) {
    Optional<ExportStatus> now = status(v.ref(), f);
    if (now.isPresent() && !now.get().status().equals(ExportStatus.FAILED)) {
      return now.get();
    }
    String key = prefix(v.ref(), f);
    ExportStatus queued = new ExportStatus(f.id(), ExportStatus.QUEUED, null);
    local.put(key, queued);
    worker.submit(() -> run(v, f, key));
    return queued;
  }

  /** Succeeded when its artifact is complete; else what this replica knows; empty if unknown. */
  public Optional<ExportStatus> status(VersionRef ref, ExportFormat f) {
    String key = prefix(ref, f);
    if (artifacts.exists(key)) {
      return Optional.of(new ExportStatus(f.id(), ExportStatus.SUCCEEDED, null));
    }
    return Optional.ofNullable(local.get(key));
  }

  private void run(VersionView v, ExportFormat f, String key) {
    local.put(key, new ExportStatus(f.id(), ExportStatus.RUNNING, null));
    Path work = null;
    try {
      work = Files.createTempDirectory("registry-export-");
      Path out = work.resolve("out");
      Files.createDirectories(out);
      produce(v, f, work, out);
      ArtifactManifest m =
          artifacts.publish(
              out,
              key,
              ArtifactKind.EXPORT,
              Map.of(
                  "format", f.format(),
                  "type", f.type() == null ? "" : f.type().wireName(),
                  "source", v.training().outputUri()));
      publisher.publish(
          eventsTopic,
          new AdapterExported(
              v.ref().team(),
              v.ref().name(),
              v.ref().version(),
              f.id(),
              f.format(),
              f.type() == null ? null : f.type().wireName(),
              artifacts.objects().uri(key),
              ManifestCodec.sha256(m)));
      local.remove(key);
      LOG.infof("exported %s as %s", v.ref(), f.id());
    } catch (Exception | OutOfMemoryError e) {
      LOG.errorf(e, "export %s of %s failed", f.id(), v.ref());
      local.put(key, new ExportStatus(f.id(), ExportStatus.FAILED, String.valueOf(e.getMessage())));
    } finally {
      if (work != null) {
        LocalArtifacts.deleteRecursively(work);
      }
    }
  }

  private void produce(VersionView v, ExportFormat f, Path work, Path out) {
    TrainingCompleted t = v.training();
    boolean full = "full".equals(t.method());
    Path output = work.resolve("output");
    artifacts.fetch(downloads.prefixOf(t.outputUri()), output);
    deleteQuietly(output.resolve(ArtifactManifest.FILE_NAME));
    String name = v.ref().name() + "-v" + v.ref().version();
    if (full) {
      switch (f.format()) {
        case ExportFormat.MERGED, ExportFormat.PEFT -> copyFolder(output, out);
        case ExportFormat.GGUF ->
            GgufExporter.export(
                output, out.resolve(name + "-" + f.type().wireName() + ".gguf"), f.type(), name);
        default ->
            throw new IllegalArgumentException(
                "a full fine-tune has no adapter to export as " + f.format());
      }
      return;
    }
    if (f.format().equals(ExportFormat.PEFT)) {
      copyFolder(output, out);
      return;
    }
    Path base = work.resolve("base");
    artifacts.fetch(
        BucketLayout.model(
            t.baseModel(),
            t.baseRevision() == null ? BucketLayout.DEFAULT_REVISION : t.baseRevision()),
        base);
    deleteQuietly(base.resolve(ArtifactManifest.FILE_NAME));
    boolean qlora = "qlora".equals(t.method());
    switch (f.format()) {
      case ExportFormat.MERGED -> {
        LocalArtifacts.deleteRecursively(out);
        LoraMerger.merge(base, output, out, qlora);
      }
      case ExportFormat.GGUF ->
          GgufExporter.exportMerged(
              base,
              output,
              out.resolve(name + "-" + f.type().wireName() + ".gguf"),
              f.type(),
              qlora,
              name);
      case ExportFormat.GGUF_LORA ->
          GgufLoraExporter.export(output, base, out.resolve(name + "-lora.gguf"), name);
      default -> throw new IllegalArgumentException("unknown export format " + f.format());
    }
  }

  private static void copyFolder(Path from, Path to) {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @PreDestroy
  void stop() {
    worker.shutdownNow();
  }
}
