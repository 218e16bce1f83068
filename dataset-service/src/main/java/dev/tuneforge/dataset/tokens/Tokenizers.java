package dev.tuneforge.dataset.tokens;

import dev.tuneforge.artifact.ArtifactManifest;
import dev.tuneforge.artifact.CorruptArtifactException;
import dev.tuneforge.artifact.LocalArtifacts;
import dev.tuneforge.artifact.ManifestEntry;
import dev.tuneforge.dataset.curation.TokenBounds;
import dev.tuneforge.dataset.curation.TokenCounter;
import dev.tuneforge.dataset.curation.WhitespaceTokenCounter;
import dev.tuneforge.llm.tokenizer.Tokenizer;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.InvalidNameException;
import dev.tuneforge.storage.artifact.ArtifactStore;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tokenizers the length filter can count with: {@code whitespace} (words; a rough stand-in) or
 * the name of a base model published as an artifact at {@code models/<name>/main/} (HF layout),
 * whose {@code tokenizer.json} (and {@code tokenizer_config.json}) are fetched with their sha256
 * checked against the model's manifest. Loaded tokenizers are kept by name and sha256: a request
 * reads only the manifest, and a replaced model is picked up.
 */
@ApplicationScoped
public class Tokenizers {

  public static final String WHITESPACE = "whitespace";
  private static final String TOKENIZER_CONFIG = "tokenizer_config.json";

  @Inject ArtifactStore artifacts;

  /** A loaded tokenizer and the bounds proven for it, keyed by name@sha256 of tokenizer.json. */
  private record Loaded(Tokenizer tokenizer, TokenBounds bounds) {}

  private final Map<String, Loaded> loaded = new ConcurrentHashMap<>();
  private final Path cache = Path.of(System.getProperty("java.io.tmpdir"), "tuneforge-tokenizers");

  /** A counter for {@code name}, or empty with the reason in {@code problem[0]}. */
  public Optional<TokenCounter> find(String name, String[] problem) {
    if (WHITESPACE.equals(name)) {
      return Optional.of(new WhitespaceTokenCounter());
    }
    String prefix;
    try {
      prefix = BucketLayout.model(name, BucketLayout.DEFAULT_REVISION);
    } catch (InvalidNameException e) {
      problem[0] = "invalid tokenizer name '" + name + "': " + e.getMessage();
      return Optional.empty();
    }
    Optional<ArtifactManifest> model = artifacts.find(prefix);
    if (model.isEmpty()) {
      problem[0] =
          "unknown tokenizer '"
              + name
              + "': no model at "
              + artifacts.objects().uri(prefix)
              + " (use 'whitespace' or a base model published under models/<name>/"
              + BucketLayout.DEFAULT_REVISION
              + "/)";
      return Optional.empty();
    }
    ArtifactManifest manifest = model.get();
    Optional<ManifestEntry> tokenizer = manifest.file(Tokenizer.TOKENIZER_FILE);
    if (tokenizer.isEmpty()) {
      problem[0] =
          "tokenizer '"
              + name
              + "': the model at "
              + artifacts.objects().uri(prefix)
              + " has no "
              + Tokenizer.TOKENIZER_FILE;
      return Optional.empty();
    }
    String key =
        name
            + "@"
            + tokenizer.get().sha256()
            + "@"
            + manifest.file(TOKENIZER_CONFIG).map(ManifestEntry::sha256).orElse("-");
    Loaded known = loaded.get(key);
    if (known != null) {
      return Optional.of(new HfTokenCounter(known.tokenizer(), known.bounds()));
    }
    Path tmp = null;
    try {
      // The files are read at load time, so the folder goes right after.
      tmp = Files.createTempDirectory(Files.createDirectories(cache), "tokenizer-");
      artifacts.fetchFile(
          prefix, manifest, Tokenizer.TOKENIZER_FILE, tmp.resolve(Tokenizer.TOKENIZER_FILE));
      if (manifest.file(TOKENIZER_CONFIG).isPresent()) {
        artifacts.fetchFile(prefix, manifest, TOKENIZER_CONFIG, tmp.resolve(TOKENIZER_CONFIG));
      }
      Path dir = tmp;
      Loaded found =
          loaded.computeIfAbsent(
              key,
              k ->
                  new Loaded(
                      Tokenizer.load(dir),
                      ByteLevelBpeSpec.read(dir.resolve(Tokenizer.TOKENIZER_FILE))));
      return Optional.of(new HfTokenCounter(found.tokenizer(), found.bounds()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (CorruptArtifactException e) {
      problem[0] = "tokenizer '" + name + "': " + e.getMessage();
      return Optional.empty();
    } catch (RuntimeException e) {
      problem[0] = "tokenizer '" + name + "' cannot be loaded: " + e.getMessage();
      return Optional.empty();
    } finally {
      if (tmp != null) {
        LocalArtifacts.deleteRecursively(tmp);
      }
    }
  }

  @PreDestroy
  void close() {
    loaded.values().forEach(l -> l.tokenizer().close());
  }
}
