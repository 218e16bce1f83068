package dev.tuneforge.dataset;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.testing.RealStackResource;
import dev.tuneforge.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every dataset-service endpoint against every way of calling it wrongly: no key, an unknown key, a
 * revoked key, a key without the role, and a key of another team. Each answer is the JSON error
 * shape with the expected status; the right key still works.
 */
@QuarkusTest
@WithTestResource(RealStackResource.class)
class AuthMatrixTest {

  static final String TEAM = "auth-alpha";
  static final String OTHER = "auth-beta";
  static final String CHATS = DatasetsApiTest.chats(12, 0, "auth");

  static TestKeys.Key trainer;
  static TestKeys.Key viewer;
  static TestKeys.Key revoked;
  static TestKeys.Key otherTrainer;
  static String fileId;
  static String dataset = "auth-owned";

  /** One endpoint: how to call it, the role it needs, and whether it names one object. */
  record Endpoint(
      String name, String role, boolean object, Function<RequestSpecification, Response> call) {
    @Override
    public String toString() {
      return name;
    }
  }

  @BeforeEach
  void setUp() {
    TestKeys.clearDefault();
    if (trainer != null) {
      return;
    }
    trainer = TestKeys.shared(TEAM, "trainer");
    viewer = TestKeys.shared(TEAM, "viewer");
    otherTrainer = TestKeys.shared(OTHER, "trainer");
    revoked = TestKeys.issue(TEAM, "admin");
    TestKeys.revoke(revoked);
    fileId =
        trainer
            .given()
            .multiPart("file", "a.jsonl", CHATS.getBytes(StandardCharsets.UTF_8))
            .multiPart("purpose", "fine-tune")
            .post("/v1/files")
            .then()
            .statusCode(200)
            .extract()
            .path("id");
    trainer
        .given()
        .contentType(ContentType.JSON)
        .body(Map.of("name", dataset, "training_files", List.of(fileId)))
        .post("/v1/datasets")
        .then()
        .statusCode(201);
  }

  List<Endpoint> endpoints() {
    String v = "/v1/datasets/" + dataset;
    List<Endpoint> all = new ArrayList<>();
    all.add(
        new Endpoint(
            "POST /v1/files",
            "trainer",
            false,
            r ->
                r.multiPart("file", "b.jsonl", CHATS.getBytes(StandardCharsets.UTF_8))
                    .multiPart("purpose", "fine-tune")
                    .post("/v1/files")));
    all.add(new Endpoint("GET /v1/files", "viewer", false, r -> r.get("/v1/files")));
    all.add(new Endpoint("GET /v1/files/{id}", "viewer", true, r -> r.get("/v1/files/" + fileId)));
    all.add(
        new Endpoint(
            "GET /v1/files/{id}/content",
            "viewer",
            true,
            r -> r.get("/v1/files/" + fileId + "/content")));
    all.add(
        new Endpoint(
            "DELETE /v1/files/{id}", "trainer", true, r -> r.delete("/v1/files/" + fileId)));
    all.add(
        new Endpoint(
            "POST /v1/datasets",
            "trainer",
            false,
            r ->
                r.contentType(ContentType.JSON)
                    .body(Map.of("name", dataset, "training_files", List.of(fileId)))
                    .post("/v1/datasets")));
    all.add(new Endpoint("GET /v1/datasets", "viewer", false, r -> r.get("/v1/datasets")));
    all.add(new Endpoint("GET /v1/datasets/{name}", "viewer", true, r -> r.get(v)));
    all.add(
        new Endpoint(
            "GET /v1/datasets/{name}/versions/{v}",
            "viewer",
            true,
            r -> r.get(v + "/versions/v1")));
    all.add(
        new Endpoint(
            "GET /v1/datasets/{name}/versions/{v}/preview",
            "viewer",
            true,
            r -> r.get(v + "/versions/v1/preview")));
    all.add(
        new Endpoint(
            "POST /v1/keys",
            "admin",
            false,
            r ->
                r.contentType(ContentType.JSON)
                    .body(Map.of("team", TEAM, "role", "viewer"))
                    .post("/v1/keys")));
    all.add(new Endpoint("GET /v1/keys", "admin", false, r -> r.get("/v1/keys")));
    all.add(
        new Endpoint(
            "POST /v1/keys/{id}/revoke",
            "admin",
            true,
            r -> r.post("/v1/keys/" + viewer.id() + "/revoke")));
    return all;
  }

  static void assertError(Response r, int status, String code, String what) {
    assertEquals(status, r.statusCode(), what + ": " + r.asString());
    assertTrue(r.contentType().startsWith("application/json"), what + ": " + r.contentType());
    r.then()
        .body("error.message", not(nullValue()))
        .body("error.type", not(nullValue()))
        .body("error.code", equalTo(code));
  }

  @Test
  void withoutAKeyEveryEndpointIs401() {
    for (Endpoint e : endpoints()) {
      Response r = e.call().apply(given());
      assertError(r, 401, "invalid_api_key", e + " without a key");
      assertEquals("Bearer realm=\"tuneforge\"", r.header("WWW-Authenticate"), e.name());
      r.then().body("error.message", containsString("Authorization: Bearer"));
    }
  }

  @Test
  void anUnknownKeyIs401Everywhere() {
    for (Endpoint e : endpoints()) {
      assertError(
          e.call()
              .apply(
                  given()
                      .header(
                          "Authorization", "Bearer tf-thisKeyWasNeverIssuedAnywhere0000000000000")),
          401,
          "invalid_api_key",
          e + " with an unknown key");
    }
  }

  @Test
  void aRevokedKeyIs401EvenForAnAdmin() {
    for (Endpoint e : endpoints()) {
      Response r = e.call().apply(revoked.given());
      assertError(r, 401, "invalid_api_key", e + " with a revoked key");
      r.then().body("error.message", containsString("revoked"));
    }
  }

  @Test
  void aKeyWithoutTheRoleIs403() {
    for (Endpoint e : endpoints()) {
      if (e.role().equals("viewer")) {
        continue; // every role reads
      }
      TestKeys.Key weak = e.role().equals("admin") ? trainer : viewer;
      Response r = e.call().apply(weak.given());
      assertError(r, 403, "insufficient_role", e + " as " + weak.role());
      r.then()
          .body("error.type", equalTo("permission_error"))
          .body("error.message", containsString("'" + e.role() + "'"));
    }
  }

  @Test
  void anotherTeamsObjectsAre404AndItsListsShowNothingOfOurs() {
    for (Endpoint e : endpoints()) {
      if (e.object() && !e.role().equals("admin")) {
        assertError(e.call().apply(otherTrainer.given()), 404, "not_found", e + " by another team");
      }
    }
    otherTrainer
        .given()
        .get("/v1/files?limit=100")
        .then()
        .statusCode(200)
        .body("data.id", not(hasItem(fileId)));
    otherTrainer
        .given()
        .get("/v1/datasets?limit=100")
        .then()
        .statusCode(200)
        .body("data.name", not(hasItem(dataset)));
    // Curating another team's file: reported exactly as a file that does not exist.
    otherTrainer
        .given()
        .contentType(ContentType.JSON)
        .body(Map.of("name", "stolen", "training_files", List.of(fileId)))
        .post("/v1/datasets")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("training_files[0]"))
        .body("error.message", containsString("no file '" + fileId + "'"));
    // The name belongs to another team: refused without showing anything of it.
    String otherFile =
        otherTrainer
            .given()
            .multiPart("file", "o.jsonl", CHATS.getBytes(StandardCharsets.UTF_8))
            .multiPart("purpose", "fine-tune")
            .post("/v1/files")
            .then()
            .statusCode(200)
            .extract()
            .path("id");
    otherTrainer
        .given()
        .contentType(ContentType.JSON)
        .body(Map.of("name", dataset, "training_files", List.of(otherFile)))
        .post("/v1/datasets")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("name"));
    // ... and the owner's data is untouched and still readable by the owner.
    trainer.given().get("/v1/files/" + fileId).then().statusCode(200).body("team", equalTo(TEAM));
    viewer
        .given()
        .get("/v1/datasets/" + dataset)
        .then()
        .statusCode(200)
        .body("versions", equalTo(List.of("v1")));
  }

  @Test
  void theRightKeyWorksAndReadsNeedOnlyViewer() {
    for (Endpoint e : endpoints()) {
      if (e.role().equals("viewer")) {
        int status = e.call().apply(viewer.given()).statusCode();
        assertEquals(200, status, e + " as viewer");
      }
    }
  }

  @Test
  void malformedAuthorizationHeadersAre401Json() throws Exception {
    List<String> values =
        List.of(
            "",
            "Bearer",
            "Bearer ",
            "Basic dXNlcjpwYXNz",
            "bearer",
            "Token abc",
            "Bearer " + "a".repeat(10 * 1024),
            "Bearer " + trainer.secret() + " extra",
            "Bearer tf-\u00e9\u00e8\u00ea");
    for (String value : values) {
      String shown = value.length() > 40 ? value.substring(0, 40) + "…" : value;
      assertError(
          given().header("Authorization", value).get("/v1/files"),
          401,
          "invalid_api_key",
          "header '" + shown + "'");
    }
    // Two Authorization headers: ambiguous, refused.
    assertError(
        given()
            .header("Authorization", "Bearer " + trainer.secret())
            .header("Authorization", "Bearer " + viewer.secret())
            .get("/v1/files"),
        401,
        "invalid_api_key",
        "two headers");
    // Raw UTF-8 bytes (not Latin-1) in the header value, as a hostile client could send them.
    String raw =
        rawRequest(
            ("GET /v1/files HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer tf-ключ-密钥\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
    assertTrue(raw.startsWith("HTTP/1.1 401"), raw);
    assertTrue(raw.contains("\"code\":\"invalid_api_key\""), raw);
  }

  @Test
  void healthAndMetricsStayOpen() {
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("checks.find { it.name == 'kafka-views' }.data.'api-keys'", equalTo("caught up"));
    given().get("/q/health/live").then().statusCode(200);
    given().get("/q/metrics").then().statusCode(200);
    // An unknown API path without a key reveals nothing either.
    assertError(given().get("/v1/nothing-here"), 401, "invalid_api_key", "unknown path");
  }

  static String rawRequest(byte[] request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", RestAssured.port)) {
      OutputStream out = s.getOutputStream();
      out.write(request);
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      return all.toString(StandardCharsets.UTF_8);
    }
  }
}
