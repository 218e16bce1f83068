package dev.tuneforge.events;

/**
 * A replica of the registry started exporting a version as {@code exportId} ({@code peft}, {@code
 * merged}, {@code gguf-<type>}, {@code gguf-lora}). Every replica folds it, so the export reads as
 * running everywhere until {@link AdapterExported} or {@link AdapterExportFailed} follows.
 */
public record AdapterExportStarted(
    String team,
    String name,
    int version,
    String exportId,
    String format,
    @Nullable String type,
    String replica,
    String requestedBy)
    implements Event {
  @Override
  public String key() {
    return AdapterKeys.of(team, name);
  }
}
