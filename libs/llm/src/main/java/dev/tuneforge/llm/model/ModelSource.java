package dev.tuneforge.llm.model;

import java.nio.file.Path;
import java.util.List;

/**
 * Where a Hugging Face model folder lives ({@code config.json}, {@code *.safetensors}, tokenizer
 * files). The engine only needs a local path per file. A model in the object store is fetched whole
 * by the artifact layer ({@code dev.tuneforge.storage.artifact.ArtifactStore#fetch}: manifest
 * checked, every file's sha256 verified, shared blob cache) into a local folder first, and read
 * through {@link LocalModelSource}; the engine itself never talks to S3.
 */
public interface ModelSource {

  /** File names in the model folder (top level, relative names). */
  List<String> listFiles();

  /** A readable local path for {@code fileName}; fails naming the file when it does not exist. */
  Path resolve(String fileName);

  default boolean exists(String fileName) {
    return listFiles().contains(fileName);
  }

  /** A human-readable location, used in error messages. */
  String describe();
}
