package dev.tuneforge.dataset.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.dataset.testing.GeneratedInputStream;
import dev.tuneforge.dataset.testing.Jsonl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineReaderTest {

  private final List<String> events = new ArrayList<>();

  private final LineReader.Handler recorder =
      new LineReader.Handler() {
        @Override
        public void line(
            long number, byte[] bytes, int length, boolean terminated, boolean hasNul) {
          events.add(
              number
                  + ":"
                  + new String(bytes, 0, length, StandardCharsets.UTF_8)
                  + (terminated ? "" : "<eof>")
                  + (hasNul ? "<nul>" : ""));
        }

        @Override
        public void tooLong(long number, long length, boolean terminated, boolean hasNul) {
          events.add(number + ":too long " + length + (terminated ? "" : "<eof>"));
        }
      };

  @Test
  void splitsOnNewlinesAndDropsCarriageReturns() throws IOException {
    long lines =
        new LineReader(100)
            .read(Jsonl.bytes("a\r\nbb\n\nccc".getBytes(StandardCharsets.UTF_8)), recorder);
    assertEquals(4, lines);
    assertEquals(List.of("1:a", "2:bb", "3:", "4:ccc<eof>"), events);
  }

  @Test
  void reportsLineOverLimitAndContinuesWithNextLine() throws IOException {
    new LineReader(16)
        .read(Jsonl.bytes("0123456789abcdefXYZ\nok\n".getBytes(StandardCharsets.UTF_8)), recorder);
    assertEquals(List.of("1:too long 19", "2:ok"), events);
  }

  @Test
  void lineExactlyAtLimitIsKept() throws IOException {
    new LineReader(16)
        .read(Jsonl.bytes("0123456789abcdef\n".getBytes(StandardCharsets.UTF_8)), recorder);
    assertEquals(List.of("1:0123456789abcdef"), events);
  }

  @Test
  void hundredMegabyteLineNeverBuffersMoreThanTheLimit() throws IOException {
    int limit = 1024 * 1024;
    long size = 100L * 1024 * 1024;
    LineReader reader = new LineReader(limit);
    reader.read(
        new GeneratedInputStream(
            new byte[0], size, (byte) 'x', "\nnext\n".getBytes(StandardCharsets.UTF_8)),
        recorder);
    assertEquals(List.of("1:too long " + size, "2:next"), events);
    assertTrue(reader.bufferCapacity() <= limit, "buffer grew to " + reader.bufferCapacity());
  }

  @Test
  void notesNulBytes() throws IOException {
    new LineReader(100).read(Jsonl.bytes(new byte[] {'a', 0, 'b', '\n', 'c', '\n'}), recorder);
    assertTrue(events.get(0).endsWith("<nul>"));
    assertFalse(events.get(1).endsWith("<nul>"));
  }
}
