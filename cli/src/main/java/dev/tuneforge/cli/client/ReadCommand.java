package dev.tuneforge.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Consumer;
import picocli.CommandLine.Mixin;

/** A command that reads: {@code --output json} prints the server's answer as it came. */
public abstract class ReadCommand extends ApiCommand {

  @Mixin protected OutputOptions output;

  /** GETs {@code path} and prints it: raw JSON, or {@code table} of its tree. */
  protected void show(String path, Consumer<JsonNode> table) {
    output.print(out(), client().getText(path), table);
  }
}
