package dev.tuneforge.trainer.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.artifact.ArtifactManifest;
import dev.tuneforge.llm.config.ModelConfig;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.InvalidNameException;
import dev.tuneforge.storage.artifact.ArtifactStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Base models in the bucket: complete model artifacts at {@code models/<name>/<revision>/} (HF
 * layout), published with {@code tuneforge model publish}. Base models are shared by every team.
 */
@ApplicationScoped
public class BaseModels {

  @Inject ArtifactStore artifacts;
  @Inject ObjectMapper json;

  /**
   * A base model found in the bucket, with its context length and its parsed config.json ({@code
   * config} null and {@code configProblem} saying why when the engine cannot read it).
   */
  public record BaseModel(
      String name,
      String revision,
      String prefix,
      int contextLength,
      ModelConfig config,
      String configProblem) {}

  /**
   * The model {@code ref} names ({@code name}, {@code org/name}, either with {@code @revision}),
   * empty when there is no complete artifact there or the name cannot be a key.
   */
  public Optional<BaseModel> find(String ref) {
    int at = ref.lastIndexOf('@');
    String name = at < 0 ? ref : ref.substring(0, at);
    String revision = at < 0 ? BucketLayout.DEFAULT_REVISION : ref.substring(at + 1);
    String prefix;
    try {
      prefix = BucketLayout.model(name, revision);
    } catch (InvalidNameException e) {
      return Optional.empty();
    }
    Optional<ArtifactManifest> manifest = artifacts.find(prefix);
    if (manifest.isEmpty() || manifest.get().file("config.json").isEmpty()) {
      return Optional.empty();
    }
    var entry = manifest.get().file("config.json").get();
    try (InputStream in = artifacts.open(prefix, entry)) {
      byte[] bytes = in.readAllBytes();
      JsonNode config = json.readTree(bytes);
      int context = config.path("max_position_embeddings").asInt(0);
      ModelConfig parsed = null;
      String problem = null;
      try {
        parsed = ModelConfig.parse(new String(bytes, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        problem = e.getMessage();
      }
      return Optional.of(new BaseModel(name, revision, prefix, context, parsed, problem));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + prefix + "config.json", e);
    }
  }
}
