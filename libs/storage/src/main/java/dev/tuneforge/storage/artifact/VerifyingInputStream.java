package dev.tuneforge.storage.artifact;

import dev.tuneforge.artifact.CorruptArtifactException;
import dev.tuneforge.artifact.ManifestEntry;
import dev.tuneforge.artifact.Sha256;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Hashes what is read and, at the end of the stream, fails naming the file unless it matches its
 * entry.
 */
final class VerifyingInputStream extends FilterInputStream {
  private final ManifestEntry entry;
  private final String where;
  private final MessageDigest digest = Sha256.digest();
  private long count;
  private boolean checked;

  VerifyingInputStream(InputStream in, ManifestEntry entry, String where) {
    super(in);
    this.entry = entry;
    this.where = where;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b < 0) {
      check();
    } else {
      digest.update((byte) b);
      count++;
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n < 0) {
      check();
    } else {
      digest.update(b, off, n);
      count += n;
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buf = new byte[(int) Math.min(n, 8192)];
    long skipped = 0;
    while (skipped < n) {
      int r = read(buf, 0, (int) Math.min(buf.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped; // read through the digest: a skipped byte still counts
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void check() {
    if (checked) {
      return;
    }
    checked = true;
    if (count != entry.bytes()) {
      throw new CorruptArtifactException(
          entry.path(),
          "file "
              + entry.path()
              + " at "
              + where
              + " has "
              + count
              + " bytes, its manifest lists "
              + entry.bytes());
    }
    String actual = Sha256.hex(digest);
    if (!actual.equals(entry.sha256())) {
      throw new CorruptArtifactException(
          entry.path(),
          "file "
              + entry.path()
              + " at "
              + where
              + " does not match its sha256 (sha256 "
              + actual
              + ", expected "
              + entry.sha256()
              + ")");
    }
  }
}
