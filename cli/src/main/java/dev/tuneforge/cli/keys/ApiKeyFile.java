package dev.tuneforge.cli.keys;

import dev.tuneforge.cli.client.ClientConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The local admin key file, {@code $TUNEFORGE_DATA/admin-key} (written by the first {@code
 * tuneforge up}, readable by its owner only). Which key a command sends is {@link ClientConfig}'s
 * decision.
 */
public final class ApiKeyFile {
  private ApiKeyFile() {}

  public static Path adminKeyFile() {
    return ClientConfig.adminKeyFile();
  }

  /** The key a command would send (see {@link ClientConfig}), or an error naming the sources. */
  public static String require() {
    return ClientConfig.resolve(null, null).requireKey();
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
