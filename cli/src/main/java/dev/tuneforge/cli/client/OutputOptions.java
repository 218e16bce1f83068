package dev.tuneforge.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/** {@code -o/--output table|json} on every command that reads. */
public final class OutputOptions {

  public enum Format {
    table,
    json
  }

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "table",
      description =
          "table (for people, the default) or json (the server's JSON exactly as it answered,"
              + " for scripts).")
  Format format = Format.table;

  public boolean json() {
    return format == Format.json;
  }

  /** The server's text as it came with {@code --output json}, else {@code table} of its tree. */
  public void print(PrintWriter out, String raw, Consumer<JsonNode> table) {
    if (json()) {
      out.println(raw.strip());
    } else {
      table.accept(PlatformClient.parse(raw));
    }
  }
}
