package dev.tuneforge.dataset.validation;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into {@code \n}-terminated lines while holding at most {@code maxLineBytes}
 * of any one line: once a line outgrows the limit its bytes are only counted, never kept, so a 100
 * MB line costs the same memory as a 4 MiB one. A trailing {@code \r} is dropped (CRLF files).
 *
 * <p>NUL bytes are noted during the same scan, because a binary file often has no newline for
 * megabytes and would otherwise only be reported as "line too long".
 */
public final class LineReader {

  /** Receives each line; {@code terminated} is false only for a last line without a newline. */
  public interface Handler {
    void line(long number, byte[] bytes, int length, boolean terminated, boolean hasNul)
        throws IOException;

    void tooLong(long number, long length, boolean terminated, boolean hasNul) throws IOException;
  }

  private static final int CHUNK = 64 * 1024;

  private final int maxLineBytes;
  private byte[] line = new byte[8 * 1024];
  private int length;

  /** Bytes of the current line once it is over the limit; -1 while it still fits. */
  private long overflow = -1;

  private boolean hasNul;

  public LineReader(int maxLineBytes) {
    this.maxLineBytes = maxLineBytes;
  }

  /** Reads the stream to its end and returns the number of lines seen. */
  public long read(InputStream in, Handler handler) throws IOException {
    byte[] chunk = new byte[CHUNK];
    long number = 1;
    boolean pending = false;
    int n;
    while ((n = in.read(chunk)) != -1) {
      int start = 0;
      for (int i = 0; i < n; i++) {
        byte b = chunk[i];
        if (b == '\n') {
          append(chunk, start, i - start);
          emit(number++, true, handler);
          start = i + 1;
          pending = false;
        } else if (b == 0) {
          hasNul = true;
        }
      }
      if (start < n) {
        append(chunk, start, n - start);
        pending = true;
      }
    }
    if (pending) {
      emit(number++, false, handler);
    }
    return number - 1;
  }

  /** The largest line buffer this reader allocated; stays at or below the limit by design. */
  public int bufferCapacity() {
    return line.length;
  }

  private void append(byte[] src, int from, int count) {
    if (count == 0) {
      return;
    }
    if (overflow >= 0) {
      overflow += count;
      return;
    }
    int needed = length + count;
    if (needed > maxLineBytes) {
      // Leave buffering mode for this line: from now on only its size matters.
      overflow = needed;
      length = 0;
      return;
    }
    if (needed > line.length) {
      line = Arrays.copyOf(line, (int) Math.min(maxLineBytes, Math.max(needed, 2L * line.length)));
    }
    System.arraycopy(src, from, line, length, count);
    length = needed;
  }

  private void emit(long number, boolean terminated, Handler handler) throws IOException {
    try {
      if (overflow >= 0) {
        handler.tooLong(number, overflow, terminated, hasNul);
      } else {
        int len = length;
        if (len > 0 && line[len - 1] == '\r') {
          len--;
        }
        handler.line(number, line, len, terminated, hasNul);
      }
    } finally {
      length = 0;
      overflow = -1;
      hasNul = false;
    }
  }
}
