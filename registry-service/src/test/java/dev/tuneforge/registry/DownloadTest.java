package dev.tuneforge.registry;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.artifact.ArtifactKind;
import dev.tuneforge.artifact.Sha256;
import dev.tuneforge.events.Topics;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.artifact.ArtifactStore;
import dev.tuneforge.testing.RealStackResource;
import dev.tuneforge.testing.TestKafka;
import dev.tuneforge.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Downloads of a registered version: presigned URLs for every file of the adapter published through
 * the artifact layer and for its model card, working without credentials, expiring, and never
 * issued to another team.
 */
@QuarkusTest
@WithTestResource(RealStackResource.class)
class DownloadTest {

  @Inject ArtifactStore artifacts;

  @Test
  void presignedUrlsServeEveryFileOfTheOwnTeamsVersionOnly() throws Exception {
    String team = Fixtures.unique("team");
    TestKeys.Key viewer = TestKeys.issue(team, "viewer");
    TestKeys.Key stranger = TestKeys.issue(Fixtures.unique("other"), "viewer");
    String job = Fixtures.unique("ftjob");
    Path dir = Fixtures.adapterFolder(Files.createTempDirectory(Path.of("target"), "adapter"));
    String prefix = BucketLayout.adapter(job);
    var manifest = artifacts.publish(dir, prefix, ArtifactKind.ADAPTER, Map.of("team", team));
    TestKafka.send(
        Topics.TRAINING_EVENTS,
        Fixtures.training(job, team, "downloads", artifacts.objects().uri(prefix)));
    RegistryFlowTest.awaitJson(viewer, "/v1/registry/adapters/downloads/versions/1", "job_id", job);

    JsonPath d =
        viewer
            .given()
            .get("/v1/registry/adapters/downloads/versions/1/download")
            .then()
            .statusCode(200)
            .body("expires_in", equalTo(900))
            .extract()
            .jsonPath();
    List<Map<String, Object>> files = d.getList("files");
    assertEquals(manifest.files().size() + 1, files.size(), "every file and the card");
    HttpClient http = HttpClient.newHttpClient();
    for (Map<String, Object> f : files) {
      HttpResponse<byte[]> r =
          http.send(
              HttpRequest.newBuilder(URI.create((String) f.get("url"))).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, r.statusCode(), f.get("path") + " downloads");
      assertEquals(f.get("sha256"), Sha256.of(r.body()), f.get("path") + " sha256");
      if (f.get("path").equals("README.md")) {
        String card = new String(r.body(), StandardCharsets.UTF_8);
        assertTrue(card.startsWith("---\nbase_model: \"tiny-llama\"\nlibrary_name: peft\n"), card);
        assertTrue(card.contains("datasets:\n- \"support-chats\""), card);
        assertTrue(card.contains("| job | " + job + " |"), card);
      }
    }
    for (var e : manifest.files()) {
      assertTrue(files.stream().anyMatch(f -> f.get("sha256").equals(e.sha256())), e.path());
    }

    // Downloads accept an alias where the version number goes.
    TestKeys.issue(team, "reviewer")
        .given()
        .contentType("application/json")
        .body("{\"alias\":\"canary\"}")
        .post("/v1/registry/adapters/downloads/versions/1/promote")
        .then()
        .statusCode(200);
    viewer
        .given()
        .get("/v1/registry/adapters/downloads/versions/canary/download")
        .then()
        .statusCode(200)
        .body("id", equalTo("downloads@1"))
        .body("files.size()", equalTo(files.size()));
    viewer
        .given()
        .get("/v1/registry/adapters/downloads/versions/nope/download")
        .then()
        .statusCode(404);

    // A short expiry stops working.
    String url =
        viewer
            .given()
            .queryParam("expires_in", 1)
            .get("/v1/registry/adapters/downloads/versions/1/download")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getString("files[0].url");
    Thread.sleep(2500);
    assertEquals(
        403,
        http.send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.discarding())
            .statusCode());
    viewer
        .given()
        .queryParam("expires_in", "forever")
        .get("/v1/registry/adapters/downloads/versions/1/download")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("expires_in"));

    stranger
        .given()
        .get("/v1/registry/adapters/downloads/versions/1/download")
        .then()
        .statusCode(404);
  }
}
