package dev.tuneforge.cli.model;

import dev.tuneforge.storage.BucketLayout;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The folder, name and revision of a model going to the bucket: one definition for {@code model
 * publish} and {@code models import}, so both take the same arguments.
 */
public final class ModelFolderOptions {
  @Parameters(
      index = "0",
      paramLabel = "DIR",
      description = "HF model folder (config.json, *.safetensors, tokenizer files).")
  public Path dir;

  @Option(names = "--name", required = true, description = "Model name: NAME or ORG/NAME.")
  public String name;

  @Option(
      names = "--revision",
      defaultValue = BucketLayout.DEFAULT_REVISION,
      description = "Revision (default ${DEFAULT-VALUE}).")
  public String revision;
}
