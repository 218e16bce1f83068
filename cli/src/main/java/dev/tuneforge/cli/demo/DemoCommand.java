package dev.tuneforge.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.cli.local.LocalMode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tuneforge demo}: starts the embedded platform and walks one dataset through it as a client
 * would, over the public API at the gateway: upload (OpenAI files API), curation into a versioned
 * dataset, its report and a preview. Each step prints what the platform answered.
 */
@Command(
    name = "demo",
    description = "Start TuneForge locally and walk a generated dataset through it.")
public final class DemoCommand implements Callable<Integer> {

  @Option(
      names = "--records",
      defaultValue = "200",
      description = "Chat records to generate (default ${DEFAULT-VALUE}).")
  int records;

  @Option(
      names = "--stop",
      description = "Stop the platform when the demo ends (default: leave it running).")
  boolean stop;

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private static final String BASE = "http://127.0.0.1:8080";

  @Override
  public Integer call() throws Exception {
    LocalMode mode = LocalMode.fromEnvironment(System.out);
    step("1/4 start the platform (Kafka + S3, four services, gateway)");
    mode.up(Duration.ofSeconds(180));
    try {
      String key = dev.tuneforge.cli.keys.ApiKeyFile.require();
      step("2/4 upload " + records + " generated chat records: POST /v1/files");
      String data = DemoData.chats(records, System.currentTimeMillis() % 1000);
      JsonNode file = upload(key, "demo-chats.jsonl", data.getBytes(StandardCharsets.UTF_8));
      System.out.printf(
          "  %s: %s, %d bytes, format %s, %d valid records%n",
          file.get("id").asText(),
          file.get("status").asText(),
          file.get("bytes").asLong(),
          file.at("/validation/format").asText(),
          file.at("/validation/valid_records").asLong());

      step("3/4 curate into a dataset version: POST /v1/datasets");
      String body =
          json.writeValueAsString(
              Map.of(
                  "name", "demo-calculator",
                  "training_files", java.util.List.of(file.get("id").asText()),
                  "options", Map.of("validation_ratio", 0.1, "pii", "redact", "near_dedup", true)));
      JsonNode version =
          send(
              key,
              HttpRequest.newBuilder(URI.create(BASE + "/v1/datasets"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body)));
      String name = version.get("name").asText();
      String v = version.get("version").asText();
      JsonNode counts = version.at("/manifest/metadata/counts");
      System.out.printf(
          "  %s %s (%s): %d train, %d validation, %d dropped; stored at s3://tuneforge/%s%n",
          name,
          v,
          version.get("created").asBoolean() ? "new" : "identical version already stored",
          counts.get("train").asLong(),
          counts.get("validation").asLong(),
          counts.get("dropped").asLong(),
          version.get("uri").asText());

      step("4/4 what curation did: GET /v1/datasets/" + name + "/versions/" + v);
      JsonNode full =
          send(
              key,
              HttpRequest.newBuilder(URI.create(BASE + "/v1/datasets/" + name + "/versions/" + v)));
      for (JsonNode rule : full.at("/report/rules")) {
        if (rule.path("enabled").asBoolean()) {
          System.out.printf(
              "  %-12s dropped %4d, changed %4d%n",
              rule.get("rule").asText(),
              rule.get("dropped").asLong(),
              rule.get("changed").asLong());
        }
      }
      JsonNode preview =
          send(
              key,
              HttpRequest.newBuilder(
                  URI.create(
                      BASE + "/v1/datasets/" + name + "/versions/" + v + "/preview?limit=3")));
      System.out.println("  first records of train.jsonl:");
      for (JsonNode r : preview.get("data")) {
        System.out.println("    " + r);
      }
      System.out.println();
      System.out.println(
          !stop
              ? "Done. The platform runs at "
                  + BASE
                  + " (`./tuneforge status`, `./tuneforge down`)."
              : "Done. Stopping the platform (data stays in the data folder).");
      return 0;
    } finally {
      if (stop) {
        mode.down();
      }
    }
  }

  private JsonNode upload(String key, String filename, byte[] content)
      throws IOException, InterruptedException {
    String boundary = "tuneforge-" + UUID.randomUUID();
    byte[] head =
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nfine-tune\r\n--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + filename
                + "\"\r\n"
                + "Content-Type: application/jsonl\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8);
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[head.length + content.length + tail.length];
    System.arraycopy(head, 0, body, 0, head.length);
    System.arraycopy(content, 0, body, head.length, content.length);
    System.arraycopy(tail, 0, body, head.length + content.length, tail.length);
    return send(
        key,
        HttpRequest.newBuilder(URI.create(BASE + "/v1/files"))
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  /**
   * Sends {@code request} with the API key ({@code TUNEFORGE_API_KEY}, else the admin-key file) as
   * Bearer.
   */
  private JsonNode send(String key, HttpRequest.Builder builder)
      throws IOException, InterruptedException {
    HttpRequest request = builder.header("Authorization", "Bearer " + key).build();
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) {
      throw new IllegalStateException(
          request.method()
              + " "
              + request.uri().getPath()
              + " answered "
              + r.statusCode()
              + ": "
              + r.body());
    }
    return json.readTree(r.body());
  }

  private static void step(String s) {
    System.out.println();
    System.out.println("== " + s);
  }
}
