package dev.tuneforge.dataset.testing;

import java.io.InputStream;

/**
 * A stream of {@code prefix}, then {@code fillerBytes} copies of one byte, then {@code suffix},
 * produced on the fly: lets a test feed a 100 MB line without allocating 100 MB.
 */
public final class GeneratedInputStream extends InputStream {

  private final byte[] prefix;
  private final long fillerBytes;
  private final byte filler;
  private final byte[] suffix;
  private long position;

  public GeneratedInputStream(byte[] prefix, long fillerBytes, byte filler, byte[] suffix) {
    this.prefix = prefix;
    this.fillerBytes = fillerBytes;
    this.filler = filler;
    this.suffix = suffix;
  }

  @Override
  public int read() {
    byte[] one = new byte[1];
    return read(one, 0, 1) == -1 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    long total = prefix.length + fillerBytes + suffix.length;
    if (position >= total) {
      return -1;
    }
    int n = 0;
    while (n < len && position < total) {
      if (position < prefix.length) {
        b[off + n++] = prefix[(int) position++];
      } else if (position < prefix.length + fillerBytes) {
        int run = (int) Math.min(len - n, prefix.length + fillerBytes - position);
        java.util.Arrays.fill(b, off + n, off + n + run, filler);
        n += run;
        position += run;
      } else {
        b[off + n++] = suffix[(int) (position++ - prefix.length - fillerBytes)];
      }
    }
    return n;
  }
}
