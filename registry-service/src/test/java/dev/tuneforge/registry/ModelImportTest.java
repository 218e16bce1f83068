package dev.tuneforge.registry;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.artifact.ArtifactKind;
import dev.tuneforge.events.ModelRejected;
import dev.tuneforge.events.Topics;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.artifact.ArtifactStore;
import dev.tuneforge.testing.RealStackResource;
import dev.tuneforge.testing.TestKafka;
import dev.tuneforge.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Base model imports: an uploaded HF folder the engine can load becomes a model of the importing
 * team; a folder with a missing tensor or a lying safetensors header is rejected with the tensor or
 * file named, and never listed.
 */
@QuarkusTest
@WithTestResource(RealStackResource.class)
class ModelImportTest {

  @Inject ArtifactStore artifacts;

  private void upload(Path dir, String name) {
    artifacts.publish(dir, BucketLayout.model(name, "main"), ArtifactKind.MODEL, Map.of());
  }

  private static String body(String name) {
    return "{\"name\":\"" + name + "\"}";
  }

  @Test
  void aLoadableModelIsImportedForTheTrainersTeamOnly() throws Exception {
    String team = Fixtures.unique("team");
    TestKeys.Key trainer = TestKeys.issue(team, "trainer");
    TestKeys.Key stranger = TestKeys.issue(Fixtures.unique("other"), "viewer");
    String name = Fixtures.unique("tiny");
    upload(TinyModels.base(Files.createTempDirectory(Path.of("target"), "base"), 2), name);
    trainer
        .given()
        .contentType("application/json")
        .body(body(name))
        .post("/v1/models")
        .then()
        .statusCode(201)
        .body("id", equalTo(name))
        .body("object", equalTo("model"))
        .body("owned_by", equalTo(team))
        .body("architecture", equalTo("llama"));
    trainer.given().get("/v1/models").then().statusCode(200).body("data.id", hasItem(name));
    trainer.given().get("/v1/models/" + name).then().statusCode(200);
    stranger.given().get("/v1/models/" + name).then().statusCode(404);
    stranger.given().get("/v1/models").then().body("data.id", not(hasItem(name)));
    TestKeys.issue(team, "viewer")
        .given()
        .contentType("application/json")
        .body(body(name))
        .post("/v1/models")
        .then()
        .statusCode(403);
    trainer
        .given()
        .contentType("application/json")
        .body(body(Fixtures.unique("never-uploaded")))
        .post("/v1/models")
        .then()
        .statusCode(404);
    trainer
        .given()
        .contentType("application/json")
        .body(body("../etc"))
        .post("/v1/models")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("name"));
  }

  @Test
  void aBaseModelInUseCannotBeDeletedUntilItsVersionsAreArchived() throws Exception {
    String team = Fixtures.unique("team");
    TestKeys.Key trainer = TestKeys.issue(team, "trainer");
    TestKeys.Key reviewer = TestKeys.issue(team, "reviewer");
    String name = Fixtures.unique("used");
    upload(TinyModels.base(Files.createTempDirectory(Path.of("target"), "base"), 1), name);
    trainer
        .given()
        .contentType("application/json")
        .body(body(name))
        .post("/v1/models")
        .then()
        .statusCode(201);
    String job = Fixtures.unique("ftjob");
    dev.tuneforge.testing.TestKafka.send(
        dev.tuneforge.events.Topics.TRAINING_EVENTS,
        Fixtures.training(job, team, "uses-it", "s3://tuneforge/runs/" + job + "/adapter/", name));
    RegistryFlowTest.awaitJson(trainer, "/v1/registry/adapters/uses-it/versions/1", "job_id", job);

    trainer
        .given()
        .delete("/v1/models/" + name)
        .then()
        .statusCode(409)
        .body("error.code", equalTo("model_in_use"))
        .body("error.message", containsString("uses-it v1"));
    reviewer
        .given()
        .post("/v1/registry/adapters/uses-it/versions/1/archive")
        .then()
        .statusCode(200);
    trainer
        .given()
        .delete("/v1/models/" + name)
        .then()
        .statusCode(200)
        .body("deleted", equalTo(true));
    trainer.given().get("/v1/models/" + name).then().statusCode(404);
    trainer.given().get("/v1/models").then().body("data.id", not(hasItem(name)));
  }

  @Test
  void aMissingTensorIsRejectedNamingTheTensor() throws Exception {
    TestKeys.Key trainer = TestKeys.issue(Fixtures.unique("team"), "trainer");
    String name = Fixtures.unique("short");
    Path dir = TinyModels.base(Files.createTempDirectory(Path.of("target"), "base"), 1);
    // The config promises two layers; the weights have one.
    Files.writeString(dir.resolve("config.json"), TinyModels.config(2).toString());
    upload(dir, name);
    trainer
        .given()
        .contentType("application/json")
        .body(body(name))
        .post("/v1/models")
        .then()
        .statusCode(400)
        .body("error.code", equalTo("model_rejected"))
        .body("error.message", containsString("model.layers.1."));
    trainer.given().get("/v1/models").then().body("data.id", not(hasItem(name)));
  }

  @Test
  void aLyingSafetensorsHeaderIsRejectedNamingTheFile() throws Exception {
    TestKeys.Key trainer = TestKeys.issue(Fixtures.unique("team"), "trainer");
    String name = Fixtures.unique("liar");
    Path dir = TinyModels.base(Files.createTempDirectory(Path.of("target"), "base"), 1);
    Path weights = dir.resolve("model.safetensors");
    byte[] bytes = Files.readAllBytes(weights);
    // The header still lists every tensor's offsets; the data it promises is 64 bytes short.
    Files.write(weights, Arrays.copyOf(bytes, bytes.length - 64));
    upload(dir, name);
    trainer
        .given()
        .contentType("application/json")
        .body(body(name))
        .post("/v1/models")
        .then()
        .statusCode(400)
        .body("error.code", equalTo("model_rejected"))
        .body("error.message", containsString("model.safetensors"))
        .body("error.message", containsString("tensor \"model."));
    // recorded as rejected, with the reason, never offered
    var rejected =
        TestKafka.await(
            Topics.REGISTRY_EVENTS,
            1,
            r ->
                r.value().contains("ModelRejected")
                    && TestKafka.decode(r).payload() instanceof ModelRejected m
                    && m.name().equals(name),
            Duration.ofSeconds(20));
    ModelRejected m = (ModelRejected) TestKafka.decode(rejected.get(0)).payload();
    assertTrue(m.reason().contains("model.safetensors"), m.reason());
    trainer.given().get("/v1/models").then().body("data.id", not(hasItem(name)));
    trainer.given().get("/v1/models/" + name).then().statusCode(404);
  }
}
