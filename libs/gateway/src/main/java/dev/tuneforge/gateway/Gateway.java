package dev.tuneforge.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One base URL for clients in the embedded mode and docker-compose (Kubernetes uses an Ingress with
 * the same routes). It streams bodies both ways without buffering them, so multi-GB uploads and
 * server-sent event streams pass through unchanged; {@code /q/health} reports every service.
 */
public final class Gateway implements AutoCloseable {

  /** Headers that describe one hop, not the message, or that the HTTP client sets itself. */
  private static final Set<String> HOP_HEADERS =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-authenticate",
          "proxy-authorization",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "host",
          "content-length",
          "expect");

  private final HttpServer server;
  private final HttpClient client;
  private final Routes routes;
  private final ExecutorService executor =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "gateway");
            t.setDaemon(true);
            return t;
          });
  private final ObjectMapper json = new ObjectMapper();

  public Gateway(String host, int port, Routes routes) throws IOException {
    this.routes = routes;
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    this.server = HttpServer.create(new InetSocketAddress(host, port), 128);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
  }

  public void start() {
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      if (path.equals("/q/health") || path.equals("/q/health/ready")) {
        health(exchange);
        return;
      }
      var service = routes.route(path);
      if (service.isEmpty()) {
        respondJson(
            exchange,
            404,
            Map.of(
                "error",
                Map.of(
                    "message",
                    "no TuneForge API at " + path,
                    "type",
                    "invalid_request_error",
                    "routes",
                    routes.describe())));
        return;
      }
      proxy(exchange, service.get());
    } catch (IOException e) {
      // The client went away mid-stream; nothing more to send.
    }
  }

  private void proxy(HttpExchange exchange, Routes.Service service) throws IOException {
    URI target =
        URI.create(
            service.baseUrl()
                + exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null
                    ? ""
                    : "?" + exchange.getRequestURI().getRawQuery()));
    String method = exchange.getRequestMethod();
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    HttpRequest.BodyPublisher body;
    if (length != null) {
      long n = Long.parseLong(length);
      body =
          n == 0
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.fromPublisher(
                  HttpRequest.BodyPublishers.ofInputStream(exchange::getRequestBody), n);
    } else if ("chunked"
        .equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Transfer-Encoding"))) {
      body = HttpRequest.BodyPublishers.ofInputStream(exchange::getRequestBody);
    } else {
      body = HttpRequest.BodyPublishers.noBody();
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(target).method(method, body);
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) -> {
              if (!HOP_HEADERS.contains(name.toLowerCase())) {
                values.forEach(v -> request.header(name, v));
              }
            });
    request.header(
        "X-Forwarded-Host", String.valueOf(exchange.getRequestHeaders().getFirst("Host")));
    HttpResponse<InputStream> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      respondJson(
          exchange,
          502,
          Map.of(
              "error",
              Map.of(
                  "message",
                  service.name()
                      + " is not reachable at "
                      + service.baseUrl()
                      + ": "
                      + e.getMessage(),
                  "type",
                  "service_unavailable")));
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    response
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              if (!HOP_HEADERS.contains(name.toLowerCase()) && !name.startsWith(":")) {
                exchange.getResponseHeaders().put(name, List.copyOf(values));
              }
            });
    long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
    boolean noBody =
        method.equals("HEAD") || response.statusCode() == 204 || response.statusCode() == 304;
    exchange.sendResponseHeaders(
        response.statusCode(), noBody ? -1 : declared >= 0 ? (declared == 0 ? -1 : declared) : 0);
    try (InputStream in = response.body();
        OutputStream out = exchange.getResponseBody()) {
      byte[] buffer = new byte[64 * 1024];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush(); // server-sent events must reach the client as they happen
      }
    }
  }

  private void health(HttpExchange exchange) throws IOException {
    Map<String, Object> services = new LinkedHashMap<>();
    boolean allUp = true;
    for (Routes.Service s : routes.services()) {
      String status;
      try {
        HttpResponse<String> r =
            client.send(
                HttpRequest.newBuilder(URI.create(s.baseUrl() + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = json.readTree(r.body());
        status = body.path("status").asText("DOWN");
      } catch (Exception e) {
        status = "DOWN";
      }
      allUp &= status.equals("UP");
      services.put(s.name(), Map.of("status", status, "url", s.baseUrl().toString()));
    }
    respondJson(
        exchange, allUp ? 200 : 503, Map.of("status", allUp ? "UP" : "DOWN", "services", services));
  }

  private void respondJson(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = json.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  /** {@code java dev.tuneforge.gateway.Gateway [PORT]}; service URLs from TUNEFORGE_*_URL. */
  public static void main(String[] args) throws Exception {
    int port =
        args.length > 0
            ? Integer.parseInt(args[0])
            : Integer.parseInt(System.getenv().getOrDefault("TUNEFORGE_GATEWAY_PORT", "8080"));
    String host = System.getenv().getOrDefault("TUNEFORGE_GATEWAY_HOST", "127.0.0.1");
    Gateway gateway;
    try {
      gateway = new Gateway(host, port, Routes.fromEnvironment(System.getenv()));
    } catch (java.net.BindException e) {
      System.err.println("tuneforge gateway: port " + port + " on " + host + " is already in use");
      System.exit(1);
      return;
    }
    gateway.start();
    System.out.println(
        "tuneforge gateway on http://"
            + host
            + ":"
            + gateway.port()
            + " "
            + new String(
                new ObjectMapper()
                    .writeValueAsBytes(Routes.fromEnvironment(System.getenv()).describe()),
                StandardCharsets.UTF_8));
    Thread.currentThread().join();
  }
}
