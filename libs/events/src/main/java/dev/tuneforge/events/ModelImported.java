package dev.tuneforge.events;

import java.util.Map;

/**
 * A base model in Hugging Face layout was uploaded to {@code uri} and passed the engine's checks
 * (architecture, every tensor with its shape, tokenizer and chat template); it may be trained on.
 *
 * @param team the owning team, or null when an admin imported it for every team
 * @param files path → sha256 of every file
 */
public record ModelImported(
    String name,
    String revision,
    @Nullable String team,
    String uri,
    String sha256,
    String architecture,
    Map<String, String> files,
    String importedBy)
    implements Event {
  @Override
  public String key() {
    return name + "@" + revision;
  }
}
