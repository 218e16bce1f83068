package dev.tuneforge.cli.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CLI sends its key as Bearer and shows the platform's own error message. */
class PlatformClientTest {

  @Test
  void sendsTheKeyAsBearerAndReportsThePlatformsError() throws Exception {
    List<String> seen = new ArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          seen.add(exchange.getRequestHeaders().getFirst("Authorization"));
          boolean ok = exchange.getRequestURI().getPath().equals("/v1/keys");
          byte[] body =
              (ok
                      ? "{\"object\":\"list\",\"data\":[]}"
                      : "{\"error\":{\"message\":\"this API key has role 'viewer'\",\"type\":\"permission_error\",\"param\":\"id\",\"code\":null}}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(ok ? 200 : 403, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      PlatformClient client =
          new PlatformClient(
              URI.create("http://127.0.0.1:" + server.getAddress().getPort()), "tf-secret");
      assertEquals("list", client.get("/v1/keys").get("object").asText());
      var e = assertThrows(ApiError.class, () -> client.post("/v1/keys/key-1/revoke", Map.of()));
      assertEquals(
          "POST /v1/keys/key-1/revoke answered 403: this API key has role 'viewer' (param: id)",
          e.getMessage());
      assertEquals(403, e.status());
      assertEquals("id", e.param());
      assertEquals(List.of("Bearer tf-secret", "Bearer tf-secret"), seen);
    } finally {
      server.stop(0);
    }
  }
}
