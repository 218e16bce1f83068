package dev.tuneforge.dataset.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneforge.dataset.record.ChatRecord;
import dev.tuneforge.dataset.record.DatasetFormat;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Streams a JSONL upload as normalised records and per-line errors, one line in memory at a time.
 * It owns the rules that span lines: the format is fixed by the first valid record and any record
 * of another shape is a {@link ErrorKind#MIXED_FORMAT} error; an unterminated last line that is not
 * complete JSON is {@link ErrorKind#TRUNCATED_LINE}; a file without any record is {@link
 * ErrorKind#EMPTY_FILE}. Blank lines are skipped silently (a trailing empty line is common). Single
 * use per stream; not thread-safe.
 */
public final class JsonlRecordReader {

  /** Gets every record and every error in line order. */
  public interface Visitor {
    void record(long line, ChatRecord record) throws IOException;

    void error(ValidationError error) throws IOException;
  }

  /**
   * What one pass saw.
   *
   * @param format the file's format, null when no line was a valid record
   * @param lines lines read, blank ones included
   * @param records valid records passed to the visitor
   * @param blankLines lines holding only whitespace
   * @param errors errors passed to the visitor
   */
  public record Summary(
      DatasetFormat format, long lines, long records, long blankLines, long errors) {}

  private static final int SNIFF_BYTES = 8 * 1024;

  private final ValidationOptions options;

  public JsonlRecordReader(ValidationOptions options) {
    this.options = options;
  }

  public Summary read(InputStream in, Visitor visitor) throws IOException {
    Pass pass = new Pass(visitor);
    // Sniff the head as git and file(1) do: NUL bytes there mean a binary (or UTF-16) file, which
    // is reported once instead of as a run of confusing per-line errors, and is not read further.
    byte[] head = in.readNBytes(SNIFF_BYTES);
    for (byte b : head) {
      if (b == 0) {
        pass.fail(
            new ValidationError(
                1,
                ErrorKind.BINARY_CONTENT,
                "the file is binary (NUL bytes in its first "
                    + SNIFF_BYTES / 1024
                    + " KiB), not UTF-8 JSONL text; UTF-16 files must be converted to UTF-8"));
        return new Summary(null, 0, 0, 0, 1);
      }
    }
    InputStream all = new SequenceInputStream(new ByteArrayInputStream(head), in);
    long lines = new LineReader(options.maxLineBytes()).read(all, pass);
    if (pass.records == 0 && pass.errors == 0) {
      pass.fail(
          new ValidationError(
              0,
              ErrorKind.EMPTY_FILE,
              lines == 0 ? "the file is empty" : "the file has only blank lines"));
    }
    return new Summary(pass.format, lines, pass.records, pass.blank, pass.errors);
  }

  /** The state of one read: the detected format and the counters. */
  private final class Pass implements LineReader.Handler {
    private final Visitor visitor;
    private final RecordParser parser = new RecordParser(options.maxLineBytes());
    private DatasetFormat format;
    private long formatLine;
    private long records;
    private long errors;
    private long blank;

    Pass(Visitor visitor) {
      this.visitor = visitor;
    }

    @Override
    public void line(long number, byte[] bytes, int length, boolean terminated, boolean hasNul)
        throws IOException {
      if (hasNul) {
        fail(
            new ValidationError(
                number,
                ErrorKind.BINARY_CONTENT,
                "the line contains NUL bytes: this looks like a binary file, not JSONL text"));
        return;
      }
      int start = number == 1 ? bomLength(bytes, length) : 0;
      if (isBlank(bytes, start, length)) {
        blank++;
        return;
      }
      byte[] body = bytes;
      int bodyLength = length;
      if (start > 0) {
        body = java.util.Arrays.copyOfRange(bytes, start, length);
        bodyLength = body.length;
      }
      try {
        JsonNode node = parser.parseJson(body, bodyLength);
        ChatRecord record = toRecord(number, node);
        records++;
        visitor.record(number, record);
      } catch (RecordException e) {
        if (!terminated && e.kind() == ErrorKind.INVALID_JSON) {
          fail(
              new ValidationError(
                  number,
                  ErrorKind.TRUNCATED_LINE,
                  "the last line has no newline and is not complete JSON: the upload looks truncated ("
                      + e.getMessage()
                      + ")"));
        } else {
          fail(new ValidationError(number, e.kind(), e.getMessage()));
        }
      }
    }

    @Override
    public void tooLong(long number, long length, boolean terminated, boolean hasNul)
        throws IOException {
      if (hasNul) {
        fail(
            new ValidationError(
                number,
                ErrorKind.BINARY_CONTENT,
                "the line contains NUL bytes: this looks like a binary file, not JSONL text"));
        return;
      }
      fail(
          new ValidationError(
              number,
              ErrorKind.LINE_TOO_LONG,
              "the line is "
                  + length
                  + " bytes, longer than the limit of "
                  + options.maxLineBytes()
                  + " bytes; skipped"));
    }

    private ChatRecord toRecord(long number, JsonNode node) throws RecordException {
      if (!node.isObject()) {
        throw new RecordException(
            ErrorKind.WRONG_TYPE,
            "a record must be a JSON object, was " + node.getNodeType().name().toLowerCase());
      }
      DatasetFormat detected = RecordParser.detect(node);
      if (detected == null) {
        throw new RecordException(
            ErrorKind.UNKNOWN_FORMAT,
            "unknown format: keys "
                + keys(node)
                + "; expected text, prompt+completion, messages or conversations");
      }
      if (format != null && detected != format) {
        throw new RecordException(
            ErrorKind.MIXED_FORMAT,
            "the record is "
                + detected.label()
                + " but the file is "
                + format.label()
                + " (from line "
                + formatLine
                + ")");
      }
      ChatRecord record = parser.toRecord(node, detected);
      if (format == null) {
        // Only a valid record fixes the format, so a broken first line cannot mislabel the file.
        format = detected;
        formatLine = number;
      }
      return record;
    }

    void fail(ValidationError error) throws IOException {
      errors++;
      visitor.error(error);
    }
  }

  private static int bomLength(byte[] bytes, int length) {
    return length >= 3
            && bytes[0] == (byte) 0xEF
            && bytes[1] == (byte) 0xBB
            && bytes[2] == (byte) 0xBF
        ? 3
        : 0;
  }

  private static boolean isBlank(byte[] bytes, int from, int length) {
    for (int i = from; i < length; i++) {
      byte b = bytes[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  private static List<String> keys(JsonNode node) {
    List<String> keys = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext() && keys.size() < 10; ) {
      keys.add(it.next());
    }
    return keys;
  }
}
