package dev.tuneforge.events;

/**
 * A version was exported ({@code peft}, {@code merged}, {@code gguf} of {@code type}, or {@code
 * gguf-lora}) to the artifact at {@code uri}, whose manifest has the sha256 {@code sha256}.
 */
public record AdapterExported(
    String team,
    String name,
    int version,
    String exportId,
    String format,
    @Nullable String type,
    String uri,
    String sha256)
    implements Event {
  @Override
  public String key() {
    return AdapterKeys.of(team, name);
  }
}
