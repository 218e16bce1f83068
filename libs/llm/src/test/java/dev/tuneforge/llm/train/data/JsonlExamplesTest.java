package dev.tuneforge.llm.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.llm.testutil.Bounded;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training JSONL within limits: long lines, large files and non-files refused by line and name. */
class JsonlExamplesTest {

  @TempDir Path dir;

  private static final String RECORD = "{\"text\":\"hello\"}\n";

  private static String refused(Path file, JsonlExamples.Limits limits) {
    Bounded.Cost cost = Bounded.measure(() -> JsonlExamples.read(file, limits, e -> {}));
    IllegalArgumentException e =
        assertInstanceOf(
            IllegalArgumentException.class, cost.thrown(), String.valueOf(cost.thrown()));
    assertTrue(cost.cpuMillis() < 10_000 && cost.peakHeapGrowthMib() < 256, cost.toString());
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    return e.getMessage();
  }

  @Test
  void aLineOverTheLimitIsRefusedWithItsNumberWithoutBufferingIt() throws IOException {
    // 3 good lines, then one 200 MB line: refused once it passes the 16 MiB default, not loaded.
    Path file = dir.resolve("long.jsonl");
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(RECORD.repeat(3).getBytes(StandardCharsets.UTF_8));
      byte[] block = new byte[1 << 20];
      java.util.Arrays.fill(block, (byte) 'x');
      out.write("{\"text\":\"".getBytes(StandardCharsets.UTF_8));
      for (int i = 0; i < 200; i++) {
        out.write(block);
      }
      out.write("\"}\n".getBytes(StandardCharsets.UTF_8));
    }
    String message = refused(file, JsonlExamples.Limits.DEFAULT);
    assertTrue(message.contains("line 4 is longer than the limit of 16777216 bytes"), message);
  }

  @Test
  void aFileOverTheDatasetLimitIsRefusedBeforeReading() throws IOException {
    Path file = Files.writeString(dir.resolve("big.jsonl"), RECORD.repeat(100));
    String message = refused(file, new JsonlExamples.Limits(1024, 1000, 10));
    assertTrue(message.contains("is 1700 bytes, over the training data limit of 1000"), message);
    String records = refused(file, new JsonlExamples.Limits(1024, 1 << 20, 10));
    assertTrue(records.contains("line 11: more than 10 records"), records);
  }

  @Test
  void badRecordsAreNamedByLine() throws IOException {
    Path file = Files.writeString(dir.resolve("bad.jsonl"), RECORD + "\n{\"text\": }\n");
    assertTrue(
        refused(file, JsonlExamples.Limits.DEFAULT)
            .contains("line 3: the record is not" + " valid JSON"));
    Path utf = dir.resolve("utf.jsonl");
    Files.write(utf, new byte[] {'{', '"', 't', '"', ':', '"', (byte) 0xC3, '"', '}', '\n'});
    assertTrue(refused(utf, JsonlExamples.Limits.DEFAULT).contains("line 1 is not valid UTF-8"));
    Path deep =
        Files.writeString(
            dir.resolve("deep.jsonl"),
            "{\"text\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}\n");
    assertTrue(refused(deep, JsonlExamples.Limits.DEFAULT).contains("nesting depth"));
  }

  @Test
  void notARegularFileIsRefusedByName() throws Exception {
    Path zero = dir.resolve("zero.jsonl");
    Files.createSymbolicLink(zero, Path.of("/dev/zero"));
    assertTrue(
        refused(zero, JsonlExamples.Limits.DEFAULT)
            .contains("training data " + zero + " is not a regular file"));
    Path fifo = dir.resolve("fifo.jsonl");
    if (new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0) {
      assertTrue(refused(fifo, JsonlExamples.Limits.DEFAULT).contains("is not a regular file"));
    }
  }

  @Test
  void goodFilesRead() throws IOException {
    Path file = Files.writeString(dir.resolve("ok.jsonl"), RECORD + "\r\n" + RECORD);
    List<Example> examples = JsonlExamples.read(file, JsonlExamples.Limits.DEFAULT, e -> {});
    assertEquals(List.of(new Example.Text("hello"), new Example.Text("hello")), examples);
  }
}
