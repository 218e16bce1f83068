package dev.tuneforge.llm.train.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneforge.llm.io.Folders;
import dev.tuneforge.llm.io.StrictJson;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Reads a JSONL training file into examples with bounded memory: the file must be a regular file no
 * larger than {@link Limits#maxFileBytes()}, and no line may exceed {@link Limits#maxLineBytes()} —
 * a line is refused with its number as soon as it passes the limit, before the rest of it is
 * buffered (a 10 GB single-line file costs one limit's worth of memory, not 10 GB). Every error
 * names the file and line.
 */
public final class JsonlExamples {

  /**
   * @param maxLineBytes longest record (bytes of UTF-8, newline excluded)
   * @param maxFileBytes largest file; the examples are held in memory for training
   * @param maxRecords most records
   */
  public record Limits(int maxLineBytes, long maxFileBytes, int maxRecords) {
    public static final Limits DEFAULT = new Limits(16 << 20, 2L << 30, 10_000_000);

    public Limits {
      if (maxLineBytes <= 0 || maxFileBytes <= 0 || maxRecords <= 0) {
        throw new IllegalArgumentException("JSONL limits must be positive");
      }
    }
  }

  private JsonlExamples() {}

  /**
   * Reads every non-blank line as an {@link Example}.
   *
   * @param check called with each example; an {@link IllegalArgumentException} it throws is
   *     reported with the file and line number
   */
  public static List<Example> read(Path file, Limits limits, Consumer<Example> check) {
    return read(file, limits, ExampleJson::parse, check);
  }

  /**
   * As {@link #read(Path, Limits, Consumer)}, with {@code parse} turning each record into an
   * example (a dataset format other than the engine's own field names).
   */
  public static List<Example> read(
      Path file, Limits limits, Function<JsonNode, Example> parse, Consumer<Example> check) {
    long size = Folders.requireRegularFile(file, "training data");
    if (size > limits.maxFileBytes()) {
      throw new IllegalArgumentException(
          file
              + " is "
              + size
              + " bytes, over the training data"
              + " limit of "
              + limits.maxFileBytes()
              + " bytes");
    }
    List<Example> out = new ArrayList<>();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      long total = 0;
      int n = 0;
      boolean more = true;
      while (more) {
        line.reset();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
          if (line.size() >= limits.maxLineBytes()) {
            throw new IllegalArgumentException(
                file
                    + " line "
                    + (n + 1)
                    + " is longer than the"
                    + " limit of "
                    + limits.maxLineBytes()
                    + " bytes");
          }
          line.write(b);
        }
        more = b >= 0;
        n++;
        total += line.size() + 1;
        if (total > limits.maxFileBytes() + 1) { // the file grew after the size check
          throw new IllegalArgumentException(
              file
                  + " line "
                  + n
                  + ": the file passes the training"
                  + " data limit of "
                  + limits.maxFileBytes()
                  + " bytes");
        }
        String text = decode(line.toByteArray(), file, n);
        if (text.isBlank()) {
          continue;
        }
        if (out.size() >= limits.maxRecords()) {
          throw new IllegalArgumentException(
              file + " line " + n + ": more than " + limits.maxRecords() + " records");
        }
        Example e;
        try {
          JsonNode node = StrictJson.parse(text, "the record");
          e = parse.apply(node);
          check.accept(e);
        } catch (IllegalArgumentException ex) {
          throw new IllegalArgumentException(file + " line " + n + ": " + ex.getMessage(), ex);
        }
        out.add(e);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(file + " holds no examples");
    }
    return out;
  }

  private static String decode(byte[] bytes, Path file, int line) {
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
      return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(file + " line " + line + " is not valid UTF-8");
    }
  }
}
