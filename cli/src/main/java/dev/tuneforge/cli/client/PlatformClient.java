package dev.tuneforge.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The platform's REST API as every CLI command calls it: one base URL and the API key as {@code
 * Authorization: Bearer} ({@link ClientConfig} decides both). Answers come back as JSON trees, or
 * as the server's text unchanged for {@code --output json}. A non-2xx answer is an {@link ApiError}
 * carrying the platform's own {@code error.message} and {@code param}.
 */
public final class PlatformClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final String key;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  public PlatformClient(URI base, String key) {
    this.base = base;
    this.key = key;
  }

  /** The client this process's settings give (no command-line options). */
  public static PlatformClient fromEnvironment() {
    return of(ClientConfig.resolve(null, null));
  }

  public static PlatformClient of(ClientConfig config) {
    return new PlatformClient(config.url(), config.requireKey());
  }

  public URI base() {
    return base;
  }

  public HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(base.resolve(path))
        .header("Authorization", "Bearer " + key)
        .timeout(Duration.ofMinutes(10));
  }

  public JsonNode get(String path) {
    return parse(getText(path));
  }

  /** The answer's body exactly as the server sent it. */
  public String getText(String path) {
    return sendText(request(path).GET().build());
  }

  public JsonNode post(String path, Object body) {
    return parse(postText(path, body));
  }

  public String postText(String path, Object body) {
    try {
      return sendBody(path, "application/json", JSON.writeValueAsBytes(body));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write the request as JSON: " + e.getMessage());
    }
  }

  /** POSTs raw bytes (a YAML suite, say) with their content type. */
  public String sendBody(String path, String contentType, byte[] body) {
    return sendText(
        request(path)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build());
  }

  public JsonNode delete(String path) {
    return send(request(path).DELETE().build());
  }

  /**
   * Uploads {@code file} as multipart/form-data part {@code file}, with {@code fields} as plain
   * parts before it; the file is streamed, never held in memory.
   */
  public JsonNode upload(String path, Map<String, String> fields, Path file) {
    return parse(uploadText(path, fields, file));
  }

  /** As {@link #upload}, the answer as the server sent it. */
  public String uploadText(String path, Map<String, String> fields, Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no such file: " + file);
    }
    String boundary = "tuneforge-" + UUID.randomUUID();
    StringBuilder head = new StringBuilder();
    fields.forEach(
        (k, v) ->
            head.append("--")
                .append(boundary)
                .append("\r\nContent-Disposition: form-data; name=\"")
                .append(k)
                .append("\"\r\n\r\n")
                .append(v)
                .append("\r\n"));
    head.append("--")
        .append(boundary)
        .append("\r\nContent-Disposition: form-data; name=\"file\"; filename=\"")
        .append(file.getFileName().toString().replace("\"", ""))
        .append("\"\r\nContent-Type: application/jsonl\r\n\r\n");
    HttpRequest.BodyPublisher body;
    try {
      body =
          HttpRequest.BodyPublishers.concat(
              HttpRequest.BodyPublishers.ofString(head.toString(), StandardCharsets.UTF_8),
              HttpRequest.BodyPublishers.ofFile(file),
              HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n"));
    } catch (java.io.FileNotFoundException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
    }
    return sendText(
        request(path)
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(body)
            .build());
  }

  /**
   * Sends {@code request} and hands every Server-Sent Event's data to {@code onData} as it arrives,
   * until the stream ends, the server sends {@code [DONE]}, or {@code onData} answers false. An
   * error answer (before the stream starts) is an {@link ApiError}.
   */
  public void stream(HttpRequest request, Predicate<String> onData) {
    HttpResponse<InputStream> r = exchange(request, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      if (r.statusCode() >= 300) {
        throw error(request, r.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
      ServerSentEvents.read(
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), onData);
    } catch (IOException e) {
      throw new ApiError(
          "the event stream from " + request.uri().getPath() + " broke off: " + e.getMessage());
    }
  }

  /** Sends and parses the JSON answer; a non-2xx answer is an {@link ApiError}. */
  public JsonNode send(HttpRequest request) {
    return parse(sendText(request));
  }

  /** Sends and returns the body as it came; a non-2xx answer is an {@link ApiError}. */
  public String sendText(HttpRequest request) {
    HttpResponse<String> r = exchange(request, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) {
      throw error(request, r.statusCode(), r.body());
    }
    return r.body();
  }

  private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    try {
      return http.send(request, handler);
    } catch (java.net.ConnectException e) {
      throw new ApiError(
          "TuneForge is not reachable at "
              + base
              + " (`./tuneforge up` starts it locally; --url or TUNEFORGE_URL point elsewhere)");
    } catch (java.net.http.HttpTimeoutException e) {
      throw new ApiError(request.method() + " " + request.uri().getPath() + " timed out");
    } catch (IOException e) {
      throw new ApiError(
          request.method() + " " + request.uri().getPath() + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiError("interrupted");
    }
  }

  /**
   * The platform's error as one line: {@code GET /v1/files/x answered 404: no file 'x' (param:
   * file_id)}; a body that is not the platform's JSON error is shown as it came.
   */
  static ApiError error(HttpRequest request, int status, String body) {
    String message = body == null || body.isBlank() ? "(no body)" : body.strip();
    String param = null;
    String code = null;
    try {
      JsonNode error = JSON.readTree(body).path("error");
      if (error.hasNonNull("message")) {
        message = error.get("message").asText();
        param = error.hasNonNull("param") ? error.get("param").asText() : null;
        code = error.hasNonNull("code") ? error.get("code").asText() : null;
      }
    } catch (IOException | RuntimeException e) {
      // not JSON: show the body as it came
    }
    return new ApiError(
        status,
        request.method()
            + " "
            + request.uri().getPath()
            + " answered "
            + status
            + ": "
            + message
            + (param == null || param.isEmpty() ? "" : " (param: " + param + ")"),
        param,
        code);
  }

  /** The server's text as a JSON tree; an answer that is not JSON is an {@link ApiError}. */
  public static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new ApiError("the server's answer is not JSON: " + abbreviate(body));
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "…" : s;
  }

  /** One path segment, percent-encoded (names, ids and refs are user input). */
  public static String seg(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** {@code path?k=v&…} with the null values left out and every value encoded. */
  public static String query(String path, Object... keyValues) {
    Map<String, Object> kv = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      kv.put((String) keyValues[i], keyValues[i + 1]);
    }
    StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
    kv.forEach(
        (k, v) -> {
          if (v != null) {
            q.add(seg(k) + "=" + seg(String.valueOf(v)));
          }
        });
    return path + q;
  }
}
