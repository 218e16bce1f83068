package dev.tuneforge.llm.model;

import java.nio.file.Path;
import java.util.List;

/**
 * Where a Hugging Face model folder lives ({@code config.json}, {@code *.safetensors}, tokenizer
 * files). The engine only needs a local path per file: a remote implementation (S3) downloads the
 * file to a cache directory in {@link #resolve} and returns that path.
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
