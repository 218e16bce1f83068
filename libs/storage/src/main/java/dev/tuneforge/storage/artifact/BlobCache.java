package dev.tuneforge.storage.artifact;

import dev.tuneforge.artifact.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * A local folder of blobs named by their sha256 ({@code <dir>/<sha256>}), shared by every fetch so
 * the same model file is downloaded once per machine. An entry is re-hashed on every use: a
 * corrupted or truncated entry (disk error, someone editing a fetched file that shares its inode)
 * is deleted and fetched again, never handed out. Entries are written under a temporary name and
 * renamed only once verified, so concurrent fetches of one blob by several processes are safe.
 * Nothing is evicted: delete the folder to reclaim space.
 */
public final class BlobCache {
  private final Path dir;

  public BlobCache(Path dir) {
    this.dir = dir.toAbsolutePath();
  }

  /**
   * {@code $TUNEFORGE_CACHE_DIR/blobs}, else {@code $XDG_CACHE_HOME/tuneforge/blobs}, else {@code
   * ~/.cache/tuneforge/blobs}.
   */
  public static BlobCache defaultCache() {
    String own = System.getenv("TUNEFORGE_CACHE_DIR");
    if (own != null && !own.isBlank()) {
      return new BlobCache(Path.of(own, "blobs"));
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
    return new BlobCache(base.resolve("tuneforge").resolve("blobs"));
  }

  public Path dir() {
    return dir;
  }

  /** The entry's file (whether or not it exists). */
  public Path path(String sha256) {
    if (!Sha256.isHex(sha256)) {
      throw new IllegalArgumentException("not a sha256: '" + sha256 + "'");
    }
    return dir.resolve(sha256);
  }

  /** The verified entry of {@code sha256}; a corrupt one is deleted and reported absent. */
  public Optional<Path> lookup(String sha256, long bytes) {
    Path p = path(sha256);
    try {
      if (!Files.isRegularFile(p)) {
        return Optional.empty();
      }
      if ((bytes < 0 || Files.size(p) == bytes) && Sha256.of(p).equals(sha256)) {
        return Optional.of(p);
      }
      Files.deleteIfExists(p);
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read cache entry " + p, e);
    }
  }

  /**
   * The verified entry of {@code sha256}, downloading it from {@code source} when absent or
   * corrupt. A download that does not hash to {@code sha256} leaves no entry and fails naming
   * {@code label}.
   */
  public Path fetch(
      String sha256, long bytes, Callable<InputStream> source, String label, String where) {
    Optional<Path> hit = lookup(sha256, bytes);
    if (hit.isPresent()) {
      return hit.get();
    }
    Path p = path(sha256);
    try {
      Files.createDirectories(dir);
      VerifiedCopy.copy(open(source), p, label, where, sha256, bytes);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write cache entry " + p, e);
    }
  }

  /** Places the entry at {@code target}: a hard link (no copy of a multi-GB file), else a copy. */
  static void place(Path entry, Path target) throws IOException {
    try {
      Files.createLink(target, entry);
    } catch (UnsupportedOperationException | FileSystemException e) {
      Files.copy(entry, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static InputStream open(Callable<InputStream> source) {
    try {
      return source.call();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
