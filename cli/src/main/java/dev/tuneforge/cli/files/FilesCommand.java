package dev.tuneforge.cli.files;

import static dev.tuneforge.cli.client.PlatformClient.seg;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneforge.cli.client.ApiCommand;
import dev.tuneforge.cli.client.ListOptions;
import dev.tuneforge.cli.client.PlatformClient;
import dev.tuneforge.cli.client.ReadCommand;
import dev.tuneforge.cli.client.Table;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tuneforge files upload|list|show|delete}: the OpenAI files API ({@code /v1/files}). */
@Command(
    name = "files",
    description = "Upload, list, show and delete training files (JSONL).",
    footer = {"", "Example:", "  tuneforge files upload chats.jsonl && tuneforge files list"},
    subcommands = {
      FilesCommand.Upload.class,
      FilesCommand.ListFiles.class,
      FilesCommand.Show.class,
      FilesCommand.Delete.class
    })
public final class FilesCommand {

  @Command(
      name = "upload",
      description =
          "Upload a JSONL file; the server validates every line and answers processed or error.",
      footer = {"", "Example:", "  tuneforge files upload examples/data/arithmetic-chat.jsonl"})
  static final class Upload extends ReadCommand {
    @Parameters(index = "0", paramLabel = "FILE", description = "The JSONL file.")
    Path file;

    @Option(
        names = "--purpose",
        defaultValue = "fine-tune",
        description = "fine-tune (default) or evals.")
    String purpose;

    @Override
    protected int run() {
      String raw = client().uploadText("/v1/files", Map.of("purpose", purpose), file);
      output.print(out(), raw, this::describe);
      JsonNode f = PlatformClient.parse(raw);
      return "error".equals(f.path("status").asText()) ? 1 : 0;
    }

    private void describe(JsonNode f) {
      JsonNode v = f.path("validation");
      out()
          .printf(
              "%s  %s  %d bytes  %s: %d valid records of %d lines%n",
              f.path("id").asText(),
              f.path("filename").asText(),
              f.path("bytes").asLong(),
              f.path("status").asText(),
              v.path("valid_records").asLong(),
              v.path("lines").asLong());
      for (JsonNode e : v.path("errors")) {
        out()
            .printf(
                "  line %d: %s: %s%n",
                e.path("line").asLong(), e.path("kind").asText(), e.path("message").asText());
      }
    }
  }

  @Command(
      name = "list",
      description = "Your team's files, newest first.",
      footer = {"", "Example:", "  tuneforge files list --purpose fine-tune --limit 5"})
  static final class ListFiles extends ReadCommand {
    @Mixin ListOptions page;

    @Option(names = "--purpose", description = "Only files of this purpose.")
    String purpose;

    @Override
    protected int run() {
      show(
          page.page("/v1/files", "purpose", purpose),
          list -> {
            Table t = new Table("ID", "FILENAME", "BYTES", "STATUS", "RECORDS", "CREATED");
            for (JsonNode f : list.path("data")) {
              t.row(
                  f.path("id"),
                  f.path("filename"),
                  f.path("bytes"),
                  f.path("status"),
                  f.at("/validation/valid_records"),
                  Table.time(f.path("created_at")));
            }
            t.print(out());
            ListOptions.moreHint(err(), list);
          });
      return 0;
    }
  }

  @Command(
      name = "show",
      description = "One file: size, sha256, validation verdict and the first errors by line.",
      footer = {"", "Example:", "  tuneforge files show file-1a2b3c --output json"})
  static final class Show extends ReadCommand {
    @Parameters(index = "0", paramLabel = "FILE_ID")
    String id;

    @Override
    protected int run() {
      show(
          "/v1/files/" + seg(id),
          f -> {
            JsonNode v = f.path("validation");
            Table t = new Table("FIELD", "VALUE");
            t.row("id", f.path("id"));
            t.row("filename", f.path("filename"));
            t.row("purpose", f.path("purpose"));
            t.row("bytes", f.path("bytes"));
            t.row("sha256", f.path("sha256"));
            t.row("created", Table.time(f.path("created_at")));
            t.row("status", f.path("status"));
            t.row("format", v.path("format"));
            t.row("lines", v.path("lines"));
            t.row("valid records", v.path("valid_records"));
            t.row("errors by kind", v.path("error_counts"));
            t.print(out());
            for (JsonNode e : v.path("errors")) {
              out()
                  .printf(
                      "  line %d: %s: %s%n",
                      e.path("line").asLong(), e.path("kind").asText(), e.path("message").asText());
            }
          });
      return 0;
    }
  }

  @Command(
      name = "delete",
      description = "Delete a file (datasets curated from it keep their own copy).",
      footer = {"", "Example:", "  tuneforge files delete file-1a2b3c"})
  static final class Delete extends ApiCommand {
    @Parameters(index = "0", paramLabel = "FILE_ID")
    String id;

    @Override
    protected int run() {
      JsonNode r = client().delete("/v1/files/" + seg(id));
      out().println("deleted " + r.path("id").asText());
      return 0;
    }
  }
}
