package dev.tuneforge.registry.exports;

import dev.tuneforge.artifact.ArtifactKind;
import dev.tuneforge.artifact.ArtifactManifest;
import dev.tuneforge.artifact.LocalArtifacts;
import dev.tuneforge.artifact.ManifestCodec;
import dev.tuneforge.events.AdapterExportFailed;
import dev.tuneforge.events.AdapterExportStarted;
import dev.tuneforge.events.AdapterExported;
import dev.tuneforge.events.TrainingCompleted;
import dev.tuneforge.llm.export.gguf.GgufExporter;
import dev.tuneforge.llm.export.gguf.GgufLoraExporter;
import dev.tuneforge.llm.merge.LoraMerger;
import dev.tuneforge.platform.EventPublisher;
import dev.tuneforge.registry.adapters.Downloads;
import dev.tuneforge.registry.state.RegistryState;
import dev.tuneforge.registry.state.RegistryView;
import dev.tuneforge.registry.state.VersionRef;
import dev.tuneforge.registry.state.VersionView;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.artifact.ArtifactStore;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
 * repeated request finds the same export; a complete one is never redone. Its start and failure are
 * facts in the registry's log ({@code AdapterExportStarted}, {@code AdapterExportFailed}, then
 * {@code AdapterExported}), so every replica reports the same status, whichever one runs it.
 */
@ApplicationScoped
public class Exporter {

  private static final Logger LOG = Logger.getLogger(Exporter.class);

  @Inject ArtifactStore artifacts;
  @Inject Downloads downloads;
  @Inject EventPublisher publisher;
  @Inject RegistryView registry;

  @ConfigProperty(name = "tuneforge.registry.events-topic")
  String eventsTopic;

  /** How long a running record from another replica is trusted before a request reruns it. */
  @ConfigProperty(name = "tuneforge.registry.export-timeout", defaultValue = "PT2H")
  Duration timeout;

  static final Duration WAIT = Duration.ofSeconds(30);

  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "registry-export");
            t.setDaemon(true);
            return t;
          });

  /** Exports queued or running on this replica (what it knows before the log does). */
  private final Map<String, ExportStatus> local = new ConcurrentHashMap<>();

  /** Who runs an export, for the record: host and process of this replica. */
  private final String replica = replicaName();

  public static String prefix(VersionRef ref, ExportFormat f) {
    return BucketLayout.export(ref.team(), ref.name(), ref.version(), f.id());
  }

  /**
   * Starts the export unless it is complete, queued here, or running on a replica that started it
   * less than {@code tuneforge.registry.export-timeout} ago (a replica that died mid-export leaves
   * a running record behind; after the timeout a new request runs it again). The start is recorded
   * in the registry's log before this returns, so every replica reads it as running.
   */
  public synchronized ExportStatus request(VersionView v, ExportFormat f, String requestedBy) {
    Optional<ExportStatus> now = status(v.ref(), f);
    if (now.isPresent() && !now.get().status().equals(ExportStatus.FAILED)) {
      boolean stale =
          !local.containsKey(prefix(v.ref(), f))
              && registry
                  .state()
                  .export(v.ref(), f.id())
                  .filter(r -> r.status().equals(RegistryState.EXPORT_RUNNING))
                  .map(r -> r.at().plus(timeout).isBefore(Instant.now()))
                  .orElse(false);
      if (!stale) {
        return now.get();
      }
      LOG.warnf(
          "export %s of %s was started by %s more than %s ago and never finished: running it again",
          f.id(), v.ref(), now.get().replica(), timeout);
    }
    String key = prefix(v.ref(), f);
    ExportStatus queued = new ExportStatus(f.id(), ExportStatus.QUEUED, null, replica);
    local.put(key, queued);
    try {
      publisher.publishAndAwait(
          eventsTopic,
          new AdapterExportStarted(
              v.ref().team(),
              v.ref().name(),
              v.ref().version(),
              f.id(),
              f.format(),
              wireType(f),
              replica,
              requestedBy),
          registry.view(),
          WAIT);
    } catch (RuntimeException e) {
      local.remove(key);
      throw e;
    }
    worker.submit(() -> run(v, f, key));
    return queued;
  }

  /**
   * Succeeded when its artifact is complete in the bucket; else queued or running when this replica
   * has it in hand; else what the registry's log says (running on another replica, or failed with
   * the reason); empty if no replica ever started it.
   */
  public Optional<ExportStatus> status(VersionRef ref, ExportFormat f) {
    String key = prefix(ref, f);
    if (artifacts.exists(key)) {
      return Optional.of(new ExportStatus(f.id(), ExportStatus.SUCCEEDED, null, null));
    }
    ExportStatus mine = local.get(key);
    if (mine != null) {
      return Optional.of(mine);
    }
    return registry
        .state()
        .export(ref, f.id())
        .filter(r -> !r.status().equals(RegistryState.EXPORT_SUCCEEDED))
        .map(r -> new ExportStatus(f.id(), r.status(), r.error(), r.replica()));
  }

  private void run(VersionView v, ExportFormat f, String key) {
    local.put(key, new ExportStatus(f.id(), ExportStatus.RUNNING, null, replica));
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
              wireType(f),
              artifacts.objects().uri(key),
              ManifestCodec.sha256(m)));
      local.remove(key);
      LOG.infof("exported %s as %s", v.ref(), f.id());
    } catch (Exception | OutOfMemoryError e) {
      LOG.errorf(e, "export %s of %s failed", f.id(), v.ref());
      String reason = String.valueOf(e.getMessage());
      local.put(key, new ExportStatus(f.id(), ExportStatus.FAILED, reason, replica));
      recordFailure(v, f, key, reason);
    } finally {
      if (work != null) {
        LocalArtifacts.deleteRecursively(work);
      }
    }
  }

  /**
   * Records the failure in the log, so every replica reports it; until the log has it this replica
   * answers from its own record.
   */
  private void recordFailure(VersionView v, ExportFormat f, String key, String reason) {
    try {
      publisher.publishAndAwait(
          eventsTopic,
          new AdapterExportFailed(
              v.ref().team(),
              v.ref().name(),
              v.ref().version(),
              f.id(),
              f.format(),
              wireType(f),
              replica,
              reason),
          registry.view(),
          WAIT);
      local.remove(key);
    } catch (RuntimeException e) {
      LOG.errorf(e, "could not record the failed export %s of %s", f.id(), v.ref());
    }
  }

  private static String wireType(ExportFormat f) {
    return f.type() == null ? null : f.type().wireName();
  }

  private static String replicaName() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "unknown-host";
    }
    return host + "/" + ProcessHandle.current().pid();
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
