package dev.tuneforge.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** {@code --limit} and {@code --after}: one page of an OpenAI list, as the API pages it. */
public final class ListOptions {

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "At most N items (1-100; the server's default is 20).")
  Integer limit;

  @Option(
      names = "--after",
      paramLabel = "ID",
      description = "Start after this item (the last id of the previous page).")
  String after;

  /** {@code path} with this page's {@code limit} and {@code after}, plus {@code more} filters. */
  public String page(String path, Object... more) {
    Object[] kv = new Object[4 + more.length];
    kv[0] = "limit";
    kv[1] = limit;
    kv[2] = "after";
    kv[3] = after;
    System.arraycopy(more, 0, kv, 4, more.length);
    return PlatformClient.query(path, kv);
  }

  /** Tells how to get the next page when the server says there is one. */
  public static void moreHint(PrintWriter err, JsonNode page) {
    if (page.path("has_more").asBoolean(false)) {
      err.println("(more: --after " + page.path("last_id").asText() + ")");
      err.flush();
    }
  }
}
