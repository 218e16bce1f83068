package dev.tuneforge.storage.artifact;

import dev.tuneforge.artifact.CorruptArtifactException;
import dev.tuneforge.artifact.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;

/**
 * Streams bytes into a temporary file next to the target, hashing and counting on the way, and
 * moves the file into place only when its size and sha256 are the expected ones; otherwise the
 * temporary file is deleted and the error names the file.
 */
final class VerifiedCopy {
  private VerifiedCopy() {}

  /**
   * @param label the file's name in the artifact (for errors)
   * @param where where the bytes came from (for errors), e.g. an s3:// URI
   * @param bytes the expected size, or -1 when only the sha256 is known
   */
  static void copy(
      InputStream in, Path target, String label, String where, String sha256, long bytes)
      throws IOException {
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp-" + System.nanoTime());
    MessageDigest digest = Sha256.digest();
    long n = 0;
    try {
      try (in;
          OutputStream out = Files.newOutputStream(tmp)) {
        byte[] buf = new byte[1 << 16];
        int r;
        while ((r = in.read(buf)) > 0) {
          digest.update(buf, 0, r);
          out.write(buf, 0, r);
          n += r;
          if (bytes >= 0 && n > bytes) {
            throw new CorruptArtifactException(
                label,
                "file "
                    + label
                    + " at "
                    + where
                    + " is longer than the "
                    + bytes
                    + " bytes its manifest lists");
          }
        }
      }
      if (bytes >= 0 && n != bytes) {
        throw new CorruptArtifactException(
            label,
            "file " + label + " at " + where + " has " + n + " bytes, its manifest lists " + bytes);
      }
      String actual = Sha256.hex(digest);
      if (!actual.equals(sha256)) {
        throw new CorruptArtifactException(
            label,
            "file "
                + label
                + " at "
                + where
                + " does not match its sha256 (sha256 "
                + actual
                + ", expected "
                + sha256
                + ")");
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
