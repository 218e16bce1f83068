package dev.tuneforge.cli.models;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneforge.cli.keys.PlatformClient;
import dev.tuneforge.cli.model.ModelFolderOptions;
import dev.tuneforge.cli.model.ModelPublishCommand;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
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
   * at fault. An admin key imports for every team, a trainer key for its own.
   */
  @Command(
      name = "import",
      description = "Upload an HF model folder and register it as a base model.")
  public static final class Import implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ModelFolderOptions model;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try {
        importModel(PlatformClient.fromEnvironment(), model.dir, model.name, model.revision, out);
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

  /**
   * The import as {@code models import} does it: the folder uploaded through the artifact layer,
   * then registered by {@code POST /v1/models}; returns the registry's answer.
   */
  public static JsonNode importModel(
      PlatformClient client, Path dir, String name, String revision, PrintWriter out)
      throws java.io.IOException, InterruptedException {
    ModelPublishCommand.Published p = ModelPublishCommand.publish(dir, name, revision);
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

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try {
        PlatformClient client = PlatformClient.fromEnvironment();
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
