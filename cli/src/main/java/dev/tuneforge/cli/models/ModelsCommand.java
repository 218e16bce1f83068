package dev.tuneforge.cli.models;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneforge.cli.client.ApiCommand;
import dev.tuneforge.cli.client.ListOptions;
import dev.tuneforge.cli.client.PlatformClient;
import dev.tuneforge.cli.client.ReadCommand;
import dev.tuneforge.cli.client.Table;
import dev.tuneforge.cli.model.ModelFolderOptions;
import dev.tuneforge.cli.model.ModelPublishCommand;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code tuneforge models import|list}: base models in the platform's registry. */
@Command(
    name = "models",
    description = "Base models in the registry: import an HF folder, list what may be trained on.",
    footer = {
      "",
      "Example:",
      "  tuneforge models import ./SmolLM2-135M-Instruct --name SmolLM2-135M-Instruct"
    },
    subcommands = {ModelsCommand.Import.class, ModelsCommand.ListModels.class})
public final class ModelsCommand {

  /**
   * Uploads the folder through the artifact layer (as {@code model publish} does) and registers it:
   * the registry checks it with the engine and answers usable, or rejected with the file or tensor
   * at fault. An admin key imports for every team, a trainer key for its own.
   */
  @Command(
      name = "import",
      description =
          "Upload an HF model folder to the bucket (TUNEFORGE_S3_* settings, as `model publish`)"
              + " and register it as a base model.",
      footer = {
        "",
        "Example:",
        "  tuneforge models import ./SmolLM2-135M-Instruct --name SmolLM2-135M-Instruct"
      })
  public static final class Import extends ApiCommand {
    @Mixin ModelFolderOptions model;

    @Override
    protected int run() throws Exception {
      importModel(client(), model.dir, model.name, model.revision, out());
      return 0;
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

  @Command(
      name = "list",
      description = "The models your key may use (base models and ft: models).",
      footer = {"", "Example:", "  tuneforge models list --output json"})
  public static final class ListModels extends ReadCommand {
    @Mixin ListOptions page;

    @Override
    protected int run() {
      show(
          page.page("/v1/models"),
          list -> {
            Table t = new Table("ID", "OWNED BY", "CREATED");
            for (JsonNode m : list.path("data")) {
              t.row(m.path("id"), m.path("owned_by"), Table.time(m.path("created")));
            }
            t.print(out());
            ListOptions.moreHint(err(), list);
          });
      return 0;
    }
  }
}
