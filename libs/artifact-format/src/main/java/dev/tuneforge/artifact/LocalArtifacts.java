package dev.tuneforge.artifact;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Manifests of artifact folders on the local file system: describe a folder (hash every file),
 * write its manifest last (atomically, through a temporary name), read it back, and verify that
 * every listed file is present with its size and sha256. The engine's checkpoints and the object
 * store's fetched folders are both checked here.
 */
public final class LocalArtifacts {
  private LocalArtifacts() {}

  /**
   * A manifest of every regular file under {@code dir} (recursively, except the manifest itself).
   */
  public static ArtifactManifest describe(Path dir, ArtifactKind kind, Map<String, ?> metadata) {
    List<ManifestEntry> entries = new ArrayList<>();
    for (String path : files(dir)) {
      Path f = dir.resolve(path);
      try {
        entries.add(new ManifestEntry(path, Sha256.of(f), Files.size(f)));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + f, e);
      }
    }
    return ArtifactManifest.of(kind, entries, metadata);
  }

  /**
   * Relative paths ('/'-separated) of the regular files under {@code dir}, the root manifest
   * excluded.
   */
  public static List<String> files(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .map(p -> dir.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/"))
          .filter(p -> !p.equals(ArtifactManifest.FILE_NAME))
          .map(ArtifactPaths::requireRelative)
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  /** Writes {@code dir/manifest.json}; call after every listed file is complete. */
  public static void writeManifest(Path dir, ArtifactManifest manifest) {
    Path tmp = dir.resolve("." + ArtifactManifest.FILE_NAME + ".tmp");
    try {
      Files.write(tmp, ManifestCodec.encode(manifest));
      Files.move(
          tmp,
          dir.resolve(ArtifactManifest.FILE_NAME),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(ArtifactManifest.FILE_NAME), e);
    }
  }

  /** The manifest of {@code dir}, or empty when it has none (an incomplete artifact). */
  public static Optional<ArtifactManifest> read(Path dir) {
    Path file = dir.resolve(ArtifactManifest.FILE_NAME);
    try {
      return Optional.of(ManifestCodec.decode(Files.readAllBytes(file), file.toString()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /**
   * Checks every file {@code dir}'s manifest lists, and returns the manifest; fails naming the
   * first file that is missing or differs (or {@code manifest.json} when there is none).
   */
  public static ArtifactManifest verify(Path dir) {
    ArtifactManifest manifest =
        read(dir)
            .orElseThrow(
                () ->
                    new CorruptArtifactException(
                        ArtifactManifest.FILE_NAME,
                        "no "
                            + ArtifactManifest.FILE_NAME
                            + " in "
                            + dir
                            + " (incomplete artifact)"));
    for (ManifestEntry e : manifest.files()) {
      verifyFile(dir.resolve(e.path()), e);
    }
    return manifest;
  }

  /** Checks one file against its entry: present, the listed size, the listed sha256. */
  public static void verifyFile(Path file, ManifestEntry entry) {
    try {
      if (!Files.isRegularFile(file)) {
        throw new CorruptArtifactException(
            entry.path(),
            "file " + entry.path() + " is missing (listed in " + ArtifactManifest.FILE_NAME + ")");
      }
      long size = Files.size(file);
      if (size != entry.bytes()) {
        throw new CorruptArtifactException(
            entry.path(),
            "file "
                + entry.path()
                + " has "
                + size
                + " bytes, "
                + ArtifactManifest.FILE_NAME
                + " lists "
                + entry.bytes());
      }
      String sha = Sha256.of(file);
      if (!sha.equals(entry.sha256())) {
        throw mismatch(entry, sha);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** The error for a file whose bytes hash to {@code actual} instead of the listed sha256. */
  public static CorruptArtifactException mismatch(ManifestEntry entry, String actual) {
    return new CorruptArtifactException(
        entry.path(),
        "file "
            + entry.path()
            + " does not match its sha256 in "
            + ArtifactManifest.FILE_NAME
            + " (sha256 "
            + actual
            + ", listed "
            + entry.sha256()
            + ")");
  }

  /**
   * Deletes {@code dir} and everything under it; nothing happens when it does not exist. Scratch
   * folders of fetches, exports, checkpoints and runs are removed with this one routine.
   */
  public static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
