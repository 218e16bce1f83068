package dev.tuneforge.cli.platform;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Serves answers recorded from a real run of the services ({@code recorded/}, written by {@link
 * RecordPlatformResponses}) for the requests the CLI makes, and remembers those requests: the
 * commands of trainer- and evaluator-service are tested on these, as the services cannot run in the
 * CLI's suite.
 */
final class RecordedPlatform implements AutoCloseable {

  /** A request as the server saw it. */
  record Seen(String method, String pathAndQuery, String body) {}

  private final HttpServer server;
  private final Map<String, String[]> answers = new LinkedHashMap<>();
  final List<Seen> seen = new ArrayList<>();

  RecordedPlatform() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String key =
              exchange.getRequestMethod()
                  + " "
                  + exchange.getRequestURI().getRawPath()
                  + (exchange.getRequestURI().getRawQuery() == null
                      ? ""
                      : "?" + exchange.getRequestURI().getRawQuery());
          seen.add(
              new Seen(
                  exchange.getRequestMethod(),
                  key.substring(key.indexOf(' ') + 1),
                  new String(exchange.getRequestBody().readAllBytes())));
          String[] a = answers.get(key);
          byte[] body =
              a == null
                  ? ("{\"error\":{\"message\":\"not recorded: " + key + "\"}}").getBytes()
                  : a[1].getBytes(java.nio.charset.StandardCharsets.UTF_8);
          exchange
              .getResponseHeaders()
              .add(
                  "Content-Type",
                  a != null && a[0].endsWith(".sse") ? "text/event-stream" : "application/json");
          exchange.sendResponseHeaders(a == null ? 404 : 200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  /** Answers {@code method path[?query]} with the recorded file. */
  RecordedPlatform answer(String request, String fixture) {
    answers.put(request, new String[] {fixture, fixture(fixture)});
    return this;
  }

  static String fixture(String name) {
    try (InputStream in =
        RecordedPlatform.class.getResourceAsStream("/dev/tuneforge/cli/recorded/" + name)) {
      if (in == null) {
        throw new IllegalStateException("no recorded fixture " + name);
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
