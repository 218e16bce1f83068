package dev.tuneforge.dataset.validation;

import dev.tuneforge.dataset.record.ChatRecord;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a JSONL upload in one streaming pass and reports its format, how many records are valid,
 * errors counted per kind and the first few with their line numbers. Memory is one line (bounded by
 * the line limit) plus the kept errors, whatever the size of the file. Thread-safe: no shared
 * state.
 */
public final class JsonlValidator {

  private final ValidationOptions options;

  public JsonlValidator(ValidationOptions options) {
    this.options = options;
  }

  public JsonlValidator() {
    this(ValidationOptions.defaults());
  }

  public ValidationResult validate(InputStream in) throws IOException {
    Map<ErrorKind, Long> counts = new EnumMap<>(ErrorKind.class);
    List<ValidationError> first = new ArrayList<>();
    JsonlRecordReader.Summary summary =
        new JsonlRecordReader(options)
            .read(
                in,
                new JsonlRecordReader.Visitor() {
                  @Override
                  public void record(long line, ChatRecord record) {
                    // Only counted: validation keeps nothing of a valid record.
                  }

                  @Override
                  public void error(ValidationError error) {
                    counts.merge(error.kind(), 1L, Long::sum);
                    if (first.size() < options.maxErrors()) {
                      first.add(error);
                    }
                  }
                });
    return new ValidationResult(
        summary.format(), summary.lines(), summary.records(), summary.blankLines(), counts, first);
  }
}
