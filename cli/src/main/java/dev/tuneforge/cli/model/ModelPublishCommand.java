package dev.tuneforge.cli.model;

import dev.tuneforge.artifact.ArtifactKind;
import dev.tuneforge.artifact.ArtifactManifest;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.ObjectStore;
import dev.tuneforge.storage.S3Settings;
import dev.tuneforge.storage.artifact.ArtifactStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code tuneforge model publish DIR --name NAME [--revision REV]}: uploads a local HF model folder
 * to {@code models/NAME/REV/} in the configured bucket as a model artifact (every file with its
 * sha256, the manifest last), so services and {@code --model s3://…} can fetch it verified.
 */
@Command(
    name = "publish",
    description = "Publish a local HF model folder to the bucket as models/NAME/REVISION/.",
    footer = {
      "",
      "Example:",
      "  tuneforge model publish ./SmolLM2-135M-Instruct --name SmolLM2-135M-Instruct"
    })
public final class ModelPublishCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ModelFolderOptions model;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try {
      Published p = publish(model.dir, model.name, model.revision);
      out.printf(
          "published %d files (%d bytes) to %s%n",
          p.manifest().files().size(), p.manifest().totalBytes(), p.uri());
      out.flush();
      return 0;
    } catch (RuntimeException e) {
      spec.commandLine().getErr().println("error: " + e.getMessage());
      spec.commandLine().getErr().flush();
      return 2;
    }
  }

  /** Where a folder was published, and its manifest. */
  public record Published(String uri, ArtifactManifest manifest) {}

  /**
   * Uploads {@code dir} to {@code models/NAME/REV/} in the bucket of the environment's S3 settings;
   * a folder the engine cannot read is refused before anything is uploaded. Shared by {@code model
   * publish} and {@code models import}.
   */
  public static Published publish(Path dir, String name, String revision) {
    return publish(S3Settings.fromEnvironment(null), dir, name, revision);
  }

  /** {@link #publish(Path, String, String)} to the bucket of {@code s3}. */
  public static Published publish(S3Settings s3, Path dir, String name, String revision) {
    String prefix = BucketLayout.model(name, revision);
    ModelLoader.config(new LocalModelSource(dir));
    try (ObjectStore store = ObjectStore.connect(s3)) {
      ArtifactManifest m =
          new ArtifactStore(store)
              .publish(dir, prefix, ArtifactKind.MODEL, Map.of("name", name, "revision", revision));
      return new Published(store.uri(prefix), m);
    }
  }
}
