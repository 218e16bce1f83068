package dev.tuneforge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/** The platform's public API at one base URL (the gateway), as a client with one key calls it. */
final class Api {

  static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final String key;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  Api(URI base, String key) {
    this.base = base;
    this.key = key;
  }

  /** The answer of a request, whatever its status. */
  record Answer(int status, JsonNode body, String raw) {}

  Answer call(String method, String path, String contentType, byte[] body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path))
            .header("Authorization", "Bearer " + key)
            .timeout(Duration.ofMinutes(3));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json;
    try {
      json = r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
    } catch (IOException notJson) {
      json = JSON.nullNode();
    }
    return new Answer(r.statusCode(), json, r.body());
  }

  /** GET that must answer 200. */
  JsonNode get(String path) throws IOException, InterruptedException {
    Answer a = call("GET", path, null, null);
    assertEquals(200, a.status(), "GET " + path + ": " + a.raw());
    return a.body();
  }

  /** POST of a JSON body that must answer {@code expected}. */
  JsonNode post(String path, Object body, int... expected)
      throws IOException, InterruptedException {
    Answer a = call("POST", path, "application/json", JSON.writeValueAsBytes(body));
    int want = expected.length == 0 ? 200 : expected[0];
    if (expected.length > 1 && a.status() == expected[1]) {
      return a.body();
    }
    assertEquals(want, a.status(), "POST " + path + ": " + a.raw());
    return a.body();
  }

  /** {@code POST /v1/files} as multipart/form-data (purpose fine-tune), as curl -F sends it. */
  JsonNode upload(String filename, byte[] content) throws IOException, InterruptedException {
    String boundary = "e2e-" + UUID.randomUUID();
    byte[] head =
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nfine-tune\r\n--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + filename
                + "\"\r\nContent-Type: application/jsonl\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8);
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[head.length + content.length + tail.length];
    System.arraycopy(head, 0, body, 0, head.length);
    System.arraycopy(content, 0, body, head.length, content.length);
    System.arraycopy(tail, 0, body, head.length + content.length, tail.length);
    Answer a = call("POST", "/v1/files", "multipart/form-data; boundary=" + boundary, body);
    assertEquals(200, a.status(), "POST /v1/files: " + a.raw());
    return a.body();
  }
}
