package dev.tuneforge.storage.artifact;

import dev.tuneforge.artifact.ArtifactKind;
import dev.tuneforge.artifact.ArtifactManifest;
import dev.tuneforge.artifact.CorruptArtifactException;
import dev.tuneforge.artifact.LocalArtifacts;
import dev.tuneforge.artifact.ManifestCodec;
import dev.tuneforge.artifact.ManifestEntry;
import dev.tuneforge.storage.ObjectNotFoundException;
import dev.tuneforge.storage.ObjectStore;
import dev.tuneforge.storage.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Artifacts in the bucket: a folder of files under a prefix ({@code BucketLayout}) plus one {@code
 * manifest.json} that lists each file's sha256 and size. Publishing uploads every file (hashed
 * while streaming) and writes the manifest last, so an artifact is invisible until complete;
 * fetching reads the manifest, downloads each file to a temporary name, checks its size and sha256,
 * and moves the folder into place only when all of it is verified. With a {@link BlobCache}, files
 * already on this machine (same sha256) are not downloaded again.
 */
public final class ArtifactStore {
  private final ObjectStore store;
  private final BlobCache cache;

  /** Without a local cache: every fetch downloads. */
  public ArtifactStore(ObjectStore store) {
    this(store, null);
  }

  public ArtifactStore(ObjectStore store, BlobCache cache) {
    this.store = store;
    this.cache = cache;
  }

  public ObjectStore objects() {
    return store;
  }

  public Optional<BlobCache> cache() {
    return Optional.ofNullable(cache);
  }

  // ---------------------------------------------------------------- publishing

  /**
   * Publishes every file under {@code dir} (recursively; a {@code manifest.json} at its root is
   * replaced) as an artifact of {@code kind} at {@code prefix}, and returns the manifest written.
   * Re-publishing a prefix first deletes its manifest, so readers never see old and new mixed.
   */
  public ArtifactManifest publish(
      Path dir, String prefix, ArtifactKind kind, Map<String, ?> metadata) {
    List<ManifestEntry> entries = upload(dir, LocalArtifacts.files(dir), requirePrefix(prefix));
    return writeManifest(prefix, ArtifactManifest.of(kind, entries, metadata));
  }

  /**
   * Publishes a folder that already has its manifest (a checkpoint or adapter the engine wrote):
   * the folder is verified first, every uploaded file must hash to what the manifest lists, and the
   * same manifest is written last.
   */
  public ArtifactManifest publish(Path dir, String prefix) {
    ArtifactManifest local = LocalArtifacts.verify(dir);
    List<ManifestEntry> uploaded =
        upload(
            dir, local.files().stream().map(ManifestEntry::path).toList(), requirePrefix(prefix));
    for (int i = 0; i < uploaded.size(); i++) {
      if (!uploaded
          .get(i)
          .equals(local.files().get(i))) { // changed on disk between the check and the upload
        throw LocalArtifacts.mismatch(local.files().get(i), uploaded.get(i).sha256());
      }
    }
    return writeManifest(prefix, local);
  }

  /** Streams one blob to {@code key}; the result carries the sha256 computed on the way. */
  public StoredObject publishBlob(String key, InputStream in, long size, String contentType) {
    return store.put(key, in, size, contentType);
  }

  public StoredObject publishBlob(String key, Path file) {
    return store.putFile(key, file);
  }

  private List<ManifestEntry> upload(Path dir, List<String> paths, String prefix) {
    if (paths.isEmpty()) {
      throw new IllegalArgumentException("nothing to publish: " + dir + " has no files");
    }
    String manifestKey = prefix + ArtifactManifest.FILE_NAME;
    if (store.exists(manifestKey)) {
      store.delete(manifestKey); // the old version disappears before any of its files changes
    }
    List<ManifestEntry> entries = new ArrayList<>();
    for (String path : paths) {
      StoredObject o = store.putFile(prefix + path, dir.resolve(path));
      entries.add(new ManifestEntry(path, o.sha256(), o.size()));
    }
    return entries;
  }

  private ArtifactManifest writeManifest(String prefix, ArtifactManifest manifest) {
    store.putBytes(
        prefix + ArtifactManifest.FILE_NAME, ManifestCodec.encode(manifest), "application/json");
    return manifest;
  }

  // ---------------------------------------------------------------- reading

  /**
   * The manifest at {@code prefix}, or empty when there is none (absent, or still being written).
   */
  public Optional<ArtifactManifest> find(String prefix) {
    String key = requirePrefix(prefix) + ArtifactManifest.FILE_NAME;
    byte[] json;
    try {
      json = store.getBytes(key);
    } catch (ObjectNotFoundException e) {
      return Optional.empty();
    }
    return Optional.of(ManifestCodec.decode(json, store.uri(key)));
  }

  /** The manifest at {@code prefix}; {@link ArtifactNotFoundException} when there is none. */
  public ArtifactManifest manifest(String prefix) {
    return find(prefix).orElseThrow(() -> new ArtifactNotFoundException(store.uri(prefix)));
  }

  /** True when the artifact is complete (its manifest exists); nothing is downloaded. */
  public boolean exists(String prefix) {
    return store.exists(requirePrefix(prefix) + ArtifactManifest.FILE_NAME);
  }

  /**
   * Fetches the artifact at {@code prefix} into {@code dest} (its files and its manifest) and
   * returns the manifest. {@code dest} is replaced only once every file is verified; when a file is
   * absent or differs, the error names it and {@code dest} is left as it was (nothing new in it).
   */
  public ArtifactManifest fetch(String prefix, Path dest) {
    ArtifactManifest manifest = manifest(prefix);
    Path target = dest.toAbsolutePath();
    Path tmp = target.resolveSibling("." + target.getFileName() + ".fetch-" + System.nanoTime());
    try {
      Files.createDirectories(tmp);
      for (ManifestEntry e : manifest.files()) {
        Path file = tmp.resolve(e.path());
        Files.createDirectories(file.getParent());
        fetchEntry(prefix, e, file);
      }
      LocalArtifacts.writeManifest(tmp, manifest);
      if (Files.exists(target)) {
        Path old = target.resolveSibling("." + target.getFileName() + ".old-" + System.nanoTime());
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        LocalArtifacts.deleteRecursively(old);
      } else {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      }
      return manifest;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot fetch " + store.uri(prefix) + " into " + dest + ": " + e.getMessage(), e);
    } finally {
      LocalArtifacts.deleteRecursively(tmp);
    }
  }

  /** Fetches one file that {@code manifest} (of the artifact at {@code prefix}) lists, verified. */
  public Path fetchFile(String prefix, ArtifactManifest manifest, String path, Path target) {
    ManifestEntry e =
        manifest
            .file(path)
            .orElseThrow(
                () ->
                    new CorruptArtifactException(
                        path,
                        "file " + path + " is not listed in the manifest of " + store.uri(prefix)));
    try {
      Files.createDirectories(target.toAbsolutePath().getParent());
      fetchEntry(requirePrefix(prefix), e, target);
      return target;
    } catch (IOException ex) {
      throw new UncheckedIOException(
          "cannot fetch " + store.uri(prefix + path) + " into " + target, ex);
    }
  }

  /**
   * Fetches a single blob whose sha256 the caller knows (from a record or event), verified; the
   * target is written only when it matches.
   */
  public Path fetchBlob(String key, String sha256, Path target) {
    try {
      Files.createDirectories(target.toAbsolutePath().getParent());
      String name = key.substring(key.lastIndexOf('/') + 1);
      if (cache != null) {
        Path entry = cache.fetch(sha256, -1, () -> open(key, name), name, store.uri(key));
        replaceWith(entry, target);
      } else {
        VerifiedCopy.copy(open(key, name), target, name, store.uri(key), sha256, -1);
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot fetch " + store.uri(key) + " into " + target, e);
    }
  }

  /**
   * Opens one listed file for streaming; the stream fails at its end (naming the file) when the
   * bytes read differ from the manifest, so a consumer that reads to the end never uses bad data.
   */
  public InputStream open(String prefix, ManifestEntry entry) {
    return new VerifyingInputStream(
        open(requirePrefix(prefix) + entry.path(), entry.path()),
        entry,
        store.uri(prefix + entry.path()));
  }

  /** Deletes an artifact: its manifest first (it is gone for readers at once), then its files. */
  public void delete(String prefix) {
    requirePrefix(prefix);
    store.delete(prefix + ArtifactManifest.FILE_NAME);
    store.deletePrefix(prefix);
  }

  private void fetchEntry(String prefix, ManifestEntry e, Path target) throws IOException {
    String key = prefix + e.path();
    if (cache != null) {
      Path entry =
          cache.fetch(e.sha256(), e.bytes(), () -> open(key, e.path()), e.path(), store.uri(key));
      replaceWith(entry, target);
    } else {
      VerifiedCopy.copy(
          open(key, e.path()), target, e.path(), store.uri(key), e.sha256(), e.bytes());
    }
  }

  private InputStream open(String key, String path) {
    try {
      return store.get(key);
    } catch (ObjectNotFoundException e) {
      throw new CorruptArtifactException(
          path, "file " + path + " is listed in its manifest but absent: " + store.uri(key));
    }
  }

  private static void replaceWith(Path entry, Path target) throws IOException {
    Path tmp = target.resolveSibling("." + target.getFileName() + ".link-" + System.nanoTime());
    try {
      BlobCache.place(entry, tmp);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Artifact prefixes come from {@code BucketLayout}: non-empty, ending with '/', no empty or dot
   * segments.
   */
  static String requirePrefix(String prefix) {
    if (prefix == null || prefix.isEmpty() || !prefix.endsWith("/") || prefix.startsWith("/")) {
      throw new IllegalArgumentException(
          "artifact prefix '" + prefix + "' must be a key folder ending with '/'");
    }
    for (String s : prefix.substring(0, prefix.length() - 1).split("/", -1)) {
      if (s.isEmpty() || s.equals(".") || s.equals("..")) {
        throw new IllegalArgumentException(
            "artifact prefix '"
                + prefix
                + "' has "
                + (s.isEmpty() ? "an empty" : "a '" + s + "'")
                + " segment");
      }
    }
    return prefix;
  }
}
