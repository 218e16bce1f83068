package dev.tuneforge.cli.keys;

import dev.tuneforge.cli.TuneForge;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * Where the CLI finds its API key: {@code TUNEFORGE_API_KEY}, else {@code
 * $TUNEFORGE_DATA/admin-key} (written by the first {@code tuneforge up}, readable by its owner
 * only).
 */
public final class ApiKeyFile {
  private ApiKeyFile() {}

  public static Path adminKeyFile() {
    return TuneForge.dataDir().toAbsolutePath().normalize().resolve("admin-key");
  }

  /** The key to send, or empty when there is none. */
  public static Optional<String> find() {
    String env = System.getenv("TUNEFORGE_API_KEY");
    if (env != null && !env.isBlank()) {
      return Optional.of(env.strip());
    }
    Path file = adminKeyFile();
    try {
      return Files.exists(file)
          ? Optional.of(Files.readString(file).strip()).filter(s -> !s.isEmpty())
          : Optional.empty();
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot read the API key from " + file + ": " + e.getMessage(), e);
    }
  }

  public static String require() {
    return find()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "no API key: set TUNEFORGE_API_KEY, or run `./tuneforge up` once to create "
                        + adminKeyFile()));
  }

  /** Writes {@code secret} to {@code file} with mode 600, never leaving a readable copy behind. */
  static void writePrivate(Path file, String secret) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    try {
      Files.createFile(
          tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(tmp); // not a POSIX file system: the folder's own protection applies
    }
    Files.writeString(tmp, secret + "\n");
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
