package dev.tuneforge.dataset.tokens;

import dev.tuneforge.dataset.curation.TokenBounds;
import dev.tuneforge.dataset.curation.TokenCounter;
import dev.tuneforge.dataset.curation.WhitespaceTokenCounter;
import dev.tuneforge.llm.tokenizer.Tokenizer;
import dev.tuneforge.storage.ObjectStore;
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
import java.util.regex.Pattern;

/**
 * The tokenizers the length filter can count with: {@code whitespace} (words; a rough stand-in) or
 * the name of a base model stored under {@code models/<name>/} in HF layout, whose
 * {@code tokenizer.json} (and {@code tokenizer_config.json}) are fetched once, keyed by their sha256
 * so a replaced model is picked up.
 */
@ApplicationScoped
public class Tokenizers {

  public static final String WHITESPACE = "whitespace";
  private static final Pattern MODEL_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._-]{0,127}");

  @Inject ObjectStore store;

  /** A loaded tokenizer and the bounds proven for it, keyed by name@sha256 of tokenizer.json. */
  private record Loaded(Tokenizer tokenizer, TokenBounds bounds) {
  }

  private final Map<String, Loaded> loaded = new ConcurrentHashMap<>();
  private final Path cache = Path.of(System.getProperty("java.io.tmpdir"), "tuneforge-tokenizers");

  /** A counter for {@code name}, or empty with the reason in {@code problem[0]}. */
  public Optional<TokenCounter> find(String name, String[] problem) {
    if (WHITESPACE.equals(name)) {
      return Optional.of(new WhitespaceTokenCounter());
    }
    if (name == null || !MODEL_NAME.matcher(name).matches() || name.contains("..")) {
      problem[0] = "invalid tokenizer name '" + name + "'";
      return Optional.empty();
    }
    String prefix = "models/" + name + "/";
    if (!store.exists(prefix + Tokenizer.TOKENIZER_FILE)) {
      problem[0] = "unknown tokenizer '" + name + "': no " + store.uri(prefix + Tokenizer.TOKENIZER_FILE)
          + " (use 'whitespace' or a base model stored under models/)";
      return Optional.empty();
    }
    Path tmp = null;
    try {
      // Fetched on every request (a few MB at most) so a replaced model is noticed; loaded only
      // when its sha256 is new. The files are read at load time, so the folder goes right after.
      tmp = Files.createTempDirectory(Files.createDirectories(cache), name + "-");
      String sha = store.download(prefix + Tokenizer.TOKENIZER_FILE, tmp.resolve(Tokenizer.TOKENIZER_FILE));
      if (store.exists(prefix + "tokenizer_config.json")) {
        store.download(prefix + "tokenizer_config.json", tmp.resolve("tokenizer_config.json"));
      }
      Path dir = tmp;
      Loaded found = loaded.computeIfAbsent(name + "@" + sha,
          k -> new Loaded(Tokenizer.load(dir), ByteLevelBpeSpec.read(dir.resolve(Tokenizer.TOKENIZER_FILE))));
      return Optional.of(new HfTokenCounter(found.tokenizer(), found.bounds()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      problem[0] = "tokenizer '" + name + "' cannot be loaded: " + e.getMessage();
      return Optional.empty();
    } finally {
      if (tmp != null) {
        dev.tuneforge.llm.io.Folders.deleteRecursively(tmp);
      }
    }
  }

  @PreDestroy
  void close() {
    loaded.values().forEach(l -> l.tokenizer().close());
  }
}
