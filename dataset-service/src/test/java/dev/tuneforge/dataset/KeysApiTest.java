package dev.tuneforge.dataset;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.events.ApiKeySecrets;
import dev.tuneforge.events.EventCodec;
import dev.tuneforge.events.Topics;
import dev.tuneforge.platform.auth.ApiKeyStore;
import dev.tuneforge.platform.auth.ApiKeyTable;
import dev.tuneforge.platform.view.KafkaView;
import dev.tuneforge.platform.view.ViewProjection;
import dev.tuneforge.testing.RealStackResource;
import dev.tuneforge.testing.TestKafka;
import dev.tuneforge.testing.TestKeys;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issuing, listing and revoking keys over the API, and what the key topic holds. */
@QuarkusTest
@WithTestResource(RealStackResource.class)
class KeysApiTest {

  static final String TEAM = "keys-test";

  @Test
  void issuedKeyWorksAtOnceAndStopsWorkingWhenRevoked() {
    TestKeys.Key admin = TestKeys.shared(TEAM, "admin");
    var created =
        admin
            .given()
            .contentType(ContentType.JSON)
            .body(Map.of("name", "ci runner", "team", TEAM, "role", "trainer"))
            .post("/v1/keys")
            .then()
            .statusCode(201)
            .body("object", equalTo("api_key"))
            .body("team", equalTo(TEAM))
            .body("role", equalTo("trainer"))
            .body("name", equalTo("ci runner"))
            .body("created_at", notNullValue())
            .body("key", matchesPattern("tf-[A-Za-z0-9_-]{43}"));
    String id = created.extract().path("id");
    String secret = created.extract().path("key");

    // Read-your-writes: this replica knows the key as soon as the POST answered.
    io.restassured.RestAssured.given()
        .header("Authorization", "Bearer " + secret)
        .get("/v1/keys/self")
        .then()
        .statusCode(200)
        .body("id", equalTo(id))
        .body("team", equalTo(TEAM))
        .body("role", equalTo("trainer"))
        .body("$", not(hasKey("key")));
    io.restassured.RestAssured.given()
        .header("Authorization", "Bearer " + secret)
        .get("/v1/files")
        .then()
        .statusCode(200);

    // The list never shows a secret.
    String list =
        admin
            .given()
            .get("/v1/keys?limit=100")
            .then()
            .statusCode(200)
            .body("data.id", hasItem(id))
            .extract()
            .asString();
    assertFalse(list.contains(secret));
    assertFalse(list.contains("\"key\""));

    admin
        .given()
        .post("/v1/keys/" + id + "/revoke")
        .then()
        .statusCode(200)
        .body("revoked_at", notNullValue());
    io.restassured.RestAssured.given()
        .header("Authorization", "Bearer " + secret)
        .get("/v1/files")
        .then()
        .statusCode(401)
        .body("error.code", equalTo("invalid_api_key"));
    admin
        .given()
        .post("/v1/keys/key-doesnotexist/revoke")
        .then()
        .statusCode(404)
        .body("error.param", equalTo("key_id"));
  }

  @Test
  void badKeyRequestsAre400NamingTheField() {
    TestKeys.Key admin = TestKeys.shared(TEAM, "admin");
    admin
        .given()
        .contentType(ContentType.JSON)
        .body(Map.of("team", TEAM, "role", "superuser"))
        .post("/v1/keys")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("role"));
    admin
        .given()
        .contentType(ContentType.JSON)
        .body(Map.of("team", "Bad Team!", "role", "viewer"))
        .post("/v1/keys")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("team"));
    admin
        .given()
        .contentType(ContentType.JSON)
        .body(Map.of("role", "viewer"))
        .post("/v1/keys")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("team"));
  }

  @Test
  void theTopicHoldsOnlyHashesNeverSecrets() {
    TestKeys.Key admin = TestKeys.shared(TEAM, "admin");
    String secret =
        admin
            .given()
            .contentType(ContentType.JSON)
            .body(Map.of("team", TEAM, "role", "viewer"))
            .post("/v1/keys")
            .then()
            .statusCode(201)
            .extract()
            .path("key");
    var records =
        TestKafka.await(
            Topics.API_KEYS,
            1,
            r -> r.value().contains(ApiKeySecrets.sha256(secret)),
            Duration.ofSeconds(30));
    assertTrue(
        records.get(0).value().contains("\"type\":\"ApiKeyIssued\""), records.get(0).value());
    // The whole topic (a few hundred records at most here) is read within the 5 s; no record holds
    // the secret.
    String body = secret.substring(ApiKeySecrets.PREFIX.length());
    assertThrows(
        AssertionError.class,
        () ->
            TestKafka.await(
                Topics.API_KEYS, 1, r -> r.value().contains(body), Duration.ofSeconds(5)));
  }

  @Test
  void aNewViewOfTheTopicRebuildsTheSameKeyStore() throws Exception {
    TestKeys.Key admin = TestKeys.shared(TEAM, "admin");
    String revokedId =
        admin
            .given()
            .contentType(ContentType.JSON)
            .body(Map.of("team", TEAM, "role", "viewer"))
            .post("/v1/keys")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    admin.given().post("/v1/keys/" + revokedId + "/revoke").then().statusCode(200);
    ApiKeyStore running = Arc.container().instance(ApiKeyStore.class).get();

    // What a restarted replica does: read the topic from the beginning into an empty table.
    ApiKeyTable rebuilt = new ApiKeyTable();
    try (KafkaView view =
        KafkaView.builder("api-keys-rebuilt")
            .connection(Map.of("bootstrap.servers", TestKafka.bootstrap()))
            .topics(Topics.API_KEYS)
            .deadLetterTopic(Topics.deadLetter("keys-test"))
            .codec(new EventCodec())
            .projection(ViewProjection.of(e -> rebuilt.apply(e.payload())))
            .start()) {
      assertTrue(view.awaitCaughtUp(Duration.ofSeconds(30)));
      assertEquals(running.all(), rebuilt.all());
      assertTrue(
          rebuilt.byId(revokedId).orElseThrow().revoked(), "the revocation survives the rebuild");

      // A second replica learns of a revocation within a second or two.
      String liveId =
          admin
              .given()
              .contentType(ContentType.JSON)
              .body(Map.of("team", TEAM, "role", "viewer"))
              .post("/v1/keys")
              .then()
              .statusCode(201)
              .extract()
              .path("id");
      admin.given().post("/v1/keys/" + liveId + "/revoke").then().statusCode(200);
      long start = System.nanoTime();
      while (!rebuilt.byId(liveId).map(k -> k.revoked()).orElse(false)
          && System.nanoTime() - start < 10_000_000_000L) {
        Thread.sleep(20);
      }
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(
          rebuilt.byId(liveId).orElseThrow().revoked(),
          "the other replica never saw the revocation");
      assertTrue(
          millis < 2_000, "the other replica saw the revocation only after " + millis + " ms");
    }
  }

  @Test
  void keyListPagesWithAfterAndLimit() {
    TestKeys.Key admin = TestKeys.shared(TEAM, "admin");
    for (int i = 0; i < 3; i++) {
      admin
          .given()
          .contentType(ContentType.JSON)
          .body(Map.of("team", TEAM, "role", "viewer", "name", "page " + i))
          .post("/v1/keys")
          .then()
          .statusCode(201);
    }
    List<String> ids =
        admin.given().get("/v1/keys?limit=100").jsonPath().getList("data.id", String.class);
    assertTrue(ids.size() >= 4, ids.toString());
    var first =
        admin
            .given()
            .get("/v1/keys?limit=2")
            .then()
            .statusCode(200)
            .body("object", equalTo("list"))
            .body("has_more", equalTo(true))
            .body("first_id", equalTo(ids.get(0)))
            .body("last_id", equalTo(ids.get(1)))
            .extract();
    assertEquals(ids.subList(0, 2), first.jsonPath().getList("data.id"));
    var next =
        admin.given().get("/v1/keys?limit=2&after=" + ids.get(1)).then().statusCode(200).extract();
    assertEquals(ids.subList(2, 4), next.jsonPath().getList("data.id"));
    String last = ids.get(ids.size() - 1);
    admin
        .given()
        .get("/v1/keys?after=" + last)
        .then()
        .statusCode(200)
        .body("has_more", equalTo(false))
        .body("data.size()", equalTo(0))
        .body("first_id", equalTo(null))
        .body("last_id", equalTo(null));
    for (String bad : List.of("0", "101", "-1", "ten")) {
      admin
          .given()
          .get("/v1/keys?limit=" + bad)
          .then()
          .statusCode(400)
          .body("error.param", equalTo("limit"));
    }
    admin
        .given()
        .get("/v1/keys?after=key-unknown")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("after"));
    admin
        .given()
        .get("/v1/files?limit=0")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("limit"));
    admin
        .given()
        .get("/v1/datasets?limit=1000")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("limit"));
  }
}
