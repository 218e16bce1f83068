package dev.tuneforge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real sockets: a stand-in upstream service on loopback and the gateway in front of it. */
class GatewayTest {

  HttpServer upstream;
  Gateway gateway;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    // Echoes method, path and the sha256 + size of the body it received.
    upstream.createContext(
        "/v1/files",
        ex -> {
          MessageDigest d;
          try {
            d = MessageDigest.getInstance("SHA-256");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          long n = 0;
          try (InputStream in = ex.getRequestBody()) {
            byte[] b = new byte[8192];
            int r;
            while ((r = in.read(b)) >= 0) {
              d.update(b, 0, r);
              n += r;
            }
          }
          byte[] out =
              (ex.getRequestMethod()
                      + " "
                      + ex.getRequestURI()
                      + " "
                      + n
                      + " "
                      + HexFormat.of().formatHex(d.digest())
                      + " "
                      + ex.getRequestHeaders().getFirst("X-Test"))
                  .getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().set("X-Upstream", "dataset");
          ex.sendResponseHeaders(201, out.length);
          ex.getResponseBody().write(out);
          ex.close();
        });
    upstream.createContext(
        "/q/health/ready",
        ex -> {
          byte[] out = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, out.length);
          ex.getResponseBody().write(out);
          ex.close();
        });
    upstream.start();
    String url = "http://127.0.0.1:" + upstream.getAddress().getPort();
    // Only dataset-service is up; the other three point at a closed port.
    Routes routes =
        Routes.fromEnvironment(
            Map.of(
                "TUNEFORGE_DATASET_URL", url,
                "TUNEFORGE_TRAINER_URL", "http://127.0.0.1:1",
                "TUNEFORGE_EVALUATOR_URL", "http://127.0.0.1:1",
                "TUNEFORGE_REGISTRY_URL", "http://127.0.0.1:1"));
    gateway = new Gateway("127.0.0.1", 0, routes);
    gateway.start();
  }

  @AfterEach
  void stop() {
    gateway.close();
    upstream.stop(0);
  }

  @Test
  void routesByLongestPrefix() {
    Routes r = Routes.fromEnvironment(Map.of());
    assertEquals("dataset-service", r.route("/v1/files/file-1/content").orElseThrow().name());
    assertEquals("dataset-service", r.route("/v1/datasets").orElseThrow().name());
    assertEquals("trainer-service", r.route("/v1/fine_tuning/jobs/x/events").orElseThrow().name());
    assertEquals("evaluator-service", r.route("/v1/chat/completions").orElseThrow().name());
    assertEquals("evaluator-service", r.route("/v1/evaluations/e1").orElseThrow().name());
    assertEquals("registry-service", r.route("/v1/models").orElseThrow().name());
    assertTrue(r.route("/v1/filesystem").isEmpty());
    assertTrue(r.route("/admin").isEmpty());
  }

  @Test
  void streamsABodyThroughUnchanged() throws Exception {
    byte[] body = new byte[3 * 1024 * 1024 + 17];
    new java.util.Random(3).nextBytes(body);
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(base("/v1/files?purpose=fine-tune"))
                .header("X-Test", "kept")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(201, r.statusCode());
    assertEquals("dataset", r.headers().firstValue("X-Upstream").orElseThrow());
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    assertEquals("POST /v1/files?purpose=fine-tune " + body.length + " " + sha + " kept", r.body());
  }

  @Test
  void unknownPathIs404NamingThePath() throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(base("/v2/nothing")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(404, r.statusCode());
    assertTrue(r.body().contains("no TuneForge API at /v2/nothing"), r.body());
  }

  @Test
  void downServiceIs502NamingTheService() throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(base("/v1/models")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(502, r.statusCode());
    assertTrue(r.body().contains("registry-service is not reachable"), r.body());
  }

  @Test
  void healthListsEveryServiceAndIsDownUntilAllAreUp() throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(base("/q/health")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(503, r.statusCode());
    var body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
    assertEquals("DOWN", body.get("status").asText());
    assertEquals("UP", body.at("/services/dataset-service/status").asText());
    for (String s : List.of("trainer-service", "evaluator-service", "registry-service")) {
      assertEquals("DOWN", body.at("/services/" + s + "/status").asText(), r.body());
    }
  }

  private URI base(String path) {
    return URI.create("http://127.0.0.1:" + gateway.port() + path);
  }
}
