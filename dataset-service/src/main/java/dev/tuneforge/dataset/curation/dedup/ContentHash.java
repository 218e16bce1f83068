package dev.tuneforge.dataset.curation.dedup;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 of a record's normalised key, cut into two independent 64-bit halves: {@link #dedup} for
 * the exact-duplicate set and {@link #split} for the train/validation decision. SHA-256 rather than
 * a fast non-cryptographic hash because the split must never change across JVMs or releases and
 * because crafted inputs must not be able to collide on purpose; it is not the bottleneck.
 */
public final class ContentHash {

  private final MessageDigest sha256;
  private long dedup;
  private long split;

  public ContentHash() {
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM ships SHA-256", e);
    }
  }

  /**
   * Hashes the key; read the halves with {@link #dedup()} and {@link #split()}. Not thread-safe.
   */
  public void update(String normalisedKey) {
    byte[] digest = sha256.digest(normalisedKey.getBytes(StandardCharsets.UTF_8));
    dedup = readLong(digest, 0);
    split = readLong(digest, 8);
  }

  public long dedup() {
    return dedup;
  }

  public long split() {
    return split;
  }

  private static long readLong(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[off + i] & 0xFF);
    }
    return v;
  }
}
