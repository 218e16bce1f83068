package dev.tuneforge.dataset.validation;

import dev.tuneforge.dataset.record.DatasetFormat;
import java.util.List;
import java.util.Map;

/**
 * The verdict on one upload.
 *
 * @param format detected format, null when no record was valid
 * @param lines lines read
 * @param validRecords records that passed every check
 * @param blankLines whitespace-only lines, skipped without error
 * @param errorCounts every error counted by kind (only kinds that occurred)
 * @param firstErrors the first {@link ValidationOptions#maxErrors()} errors in line order
 */
public record ValidationResult(
    DatasetFormat format,
    long lines,
    long validRecords,
    long blankLines,
    Map<ErrorKind, Long> errorCounts,
    List<ValidationError> firstErrors) {

  public ValidationResult {
    errorCounts = Map.copyOf(errorCounts);
    firstErrors = List.copyOf(firstErrors);
  }

  public long errorCount() {
    return errorCounts.values().stream().mapToLong(Long::longValue).sum();
  }

  /** True when the file can be curated as is: at least one record and no error at all. */
  public boolean ok() {
    return validRecords > 0 && errorCounts.isEmpty();
  }
}
