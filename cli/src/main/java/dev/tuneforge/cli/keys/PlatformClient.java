package dev.tuneforge.cli.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The platform's REST API as the CLI calls it: the base URL ({@code TUNEFORGE_URL}, default the
 * local gateway) and the API key as {@code Authorization: Bearer}. A non-2xx answer is an error
 * carrying the platform's own message.
 */
public final class PlatformClient {

  private final URI base;
  private final String key;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final ObjectMapper json = new ObjectMapper();

  public PlatformClient(URI base, String key) {
    this.base = base;
    this.key = key;
  }

  public static PlatformClient fromEnvironment() {
    String url = System.getenv().getOrDefault("TUNEFORGE_URL", "http://127.0.0.1:8080");
    return new PlatformClient(
        URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url),
        ApiKeyFile.require());
  }

  public HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(base.resolve(path))
        .header("Authorization", "Bearer " + key)
        .timeout(Duration.ofMinutes(10));
  }

  public JsonNode get(String path) throws IOException, InterruptedException {
    return send(request(path).GET().build());
  }

  public JsonNode post(String path, Object body) throws IOException, InterruptedException {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
            .build());
  }

  public JsonNode send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<String> r;
    try {
      r = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (java.net.ConnectException e) {
      throw new IllegalStateException(
          "TuneForge is not reachable at " + base + " (`./tuneforge up` starts it locally)");
    }
    if (r.statusCode() >= 300) {
      String message = r.body();
      try {
        JsonNode error = json.readTree(r.body()).path("error");
        if (error.has("message")) {
          message = error.get("message").asText();
        }
      } catch (IOException e) {
        // not JSON: show the body as it came
      }
      throw new Refused(
          request.method()
              + " "
              + request.uri().getPath()
              + " answered "
              + r.statusCode()
              + ": "
              + message,
          r.statusCode(),
          code(r.body()));
    }
    return json.readTree(r.body());
  }

  private String code(String body) {
    try {
      return json.readTree(body).path("error").path("code").asText(null);
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * The platform answered with an error: its HTTP status and error code (e.g. {@code
   * model_rejected}), and the message naming what was wrong.
   */
  public static final class Refused extends IllegalStateException {
    private final int status;
    private final String code;

    public Refused(String message, int status, String code) {
      super(message);
      this.status = status;
      this.code = code;
    }

    public int status() {
      return status;
    }

    /** The platform's {@code error.code}, or null when it sent none. */
    public String code() {
      return code;
    }
  }
}
