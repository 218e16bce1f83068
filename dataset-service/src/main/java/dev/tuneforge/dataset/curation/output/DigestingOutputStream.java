package dev.tuneforge.dataset.curation.output;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Passes bytes through to the target while computing their SHA-256 and count, so a split's checksum
 * is known the moment it is written without reading it back. Does not close the target: the caller
 * owns it (it may be an S3 multipart upload that must be completed, not closed).
 */
final class DigestingOutputStream extends FilterOutputStream {

  private final MessageDigest sha256;
  private long bytes;

  DigestingOutputStream(OutputStream target) {
    super(target);
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM ships SHA-256", e);
    }
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
    sha256.update((byte) b);
    bytes++;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    sha256.update(b, off, len);
    bytes += len;
  }

  @Override
  public void close() throws IOException {
    flush();
  }

  long bytes() {
    return bytes;
  }

  String sha256Hex() {
    return HexFormat.of().formatHex(sha256.digest());
  }
}
