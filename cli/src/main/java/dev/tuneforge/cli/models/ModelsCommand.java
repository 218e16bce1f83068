package dev.tuneforge.cli.models;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneforge.cli.keys.PlatformClient;
import dev.tuneforge.cli.model.ModelFolderOptions;
import dev.tuneforge.cli.model.ModelPublishCommand;
import dev.tuneforge.storage.S3Settings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tuneforge models import|list}: base models in the platform's registry. */
@Command(
    name = "models",
    description = "Base models in the registry: import an HF folder, list what may be trained on.",
    subcommands = {ModelsCommand.Import.class, ModelsCommand.ListModels.class})
public final class ModelsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * Uploads the folder through the artifact layer (as {@code model publish} does) and registers it:
   * the registry checks it with the engine and answers usable, or rejected with the file or tensor
   * at fault. An admin key imports for every team, a trainer key for its own. Exit code 0 when
   * imported, 1 when the registry rejected the model, 2 for any other error (unreachable, refused
   * key, unreadable folder).
   */
  @Command(
      name = "import",
      description = "Upload an HF model folder and register it as a base model.")
  public static final class Import implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ModelFolderOptions model;

    private final Supplier<PlatformClient> client;
    private final Supplier<S3Settings> s3;

    /** The platform and bucket of the environment ({@code TUNEFORGE_URL}, key, S3 settings). */
    public Import() {
      this(PlatformClient::fromEnvironment, () -> S3Settings.fromEnvironment(null));
    }

    /** Against a given platform and bucket (tests run the command in-process this way). */
    public Import(Supplier<PlatformClient> client, Supplier<S3Settings> s3) {
      this.client = client;
      this.s3 = s3;
    }

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        importModel(client.get(), s3.get(), model.dir, model.name, model.revision, out);
        out.flush();
        return 0;
      } catch (PlatformClient.Refused e) {
        err.println("error: " + e.getMessage());
        err.flush();
        return REJECTED.equals(e.code()) ? 1 : 2;
      } catch (RuntimeException | java.io.IOException e) {
        err.println("error: " + e.getMessage());
        err.flush();
        return 2;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 2;
      }
    }
  }

  /** The registry's error code for a model the engine cannot use. */
  static final String REJECTED = "model_rejected";

  /**
   * The import as {@code models import} does it: the folder uploaded through the artifact layer,
   * then registered by {@code POST /v1/models}; returns the registry's answer.
   */
  public static JsonNode importModel(
      PlatformClient client, Path dir, String name, String revision, PrintWriter out)
      throws java.io.IOException, InterruptedException {
    return importModel(client, S3Settings.fromEnvironment(null), dir, name, revision, out);
  }

  /**
   * {@link #importModel(PlatformClient, Path, String, String, PrintWriter)} to the bucket of s3.
   */
  public static JsonNode importModel(
      PlatformClient client, S3Settings s3, Path dir, String name, String revision, PrintWriter out)
      throws java.io.IOException, InterruptedException {
    ModelPublishCommand.Published p = ModelPublishCommand.publish(s3, dir, name, revision);
    out.printf("uploaded %d files to %s%n", p.manifest().files().size(), p.uri());
    JsonNode m = client.post("/v1/models", Map.of("name", name, "revision", revision));
    out.printf(
        "imported %s (%s, owned by %s)%n",
        m.path("id").asText(), m.path("architecture").asText(), m.path("owned_by").asText());
    out.flush();
    return m;
  }

  @Command(name = "list", description = "The models your key may use (base models and ft: models).")
  public static final class ListModels implements Callable<Integer> {
    @Spec CommandSpec spec;

    private final Supplier<PlatformClient> platform;

    public ListModels() {
      this(PlatformClient::fromEnvironment);
    }

    /** Against a given platform (tests run the command in-process this way). */
    public ListModels(Supplier<PlatformClient> platform) {
      this.platform = platform;
    }

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try {
        PlatformClient client = platform.get();
        String after = null;
        boolean more = true;
        while (more) {
          JsonNode page =
              client.get(
                  "/v1/models?limit=100"
                      + (after == null
                          ? ""
                          : "&after="
                              + java.net.URLEncoder.encode(
                                  after, java.nio.charset.StandardCharsets.UTF_8)));
          for (JsonNode m : page.path("data")) {
            out.printf("%s\t%s%n", m.path("id").asText(), m.path("owned_by").asText());
          }
          more = page.path("has_more").asBoolean(false);
          after = page.path("last_id").asText(null);
        }
        out.flush();
        return 0;
      } catch (RuntimeException | java.io.IOException e) {
        spec.commandLine().getErr().println("error: " + e.getMessage());
        spec.commandLine().getErr().flush();
        return 2;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 2;
      }
    }
  }
}
