package dev.tuneforge.registry;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.events.AdapterRegistered;
import dev.tuneforge.events.AdapterStageChanged;
import dev.tuneforge.events.Topics;
import dev.tuneforge.testing.RealStackResource;
import dev.tuneforge.testing.TestKafka;
import dev.tuneforge.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Finished jobs and evaluations arriving on Kafka, as the trainer and evaluator publish them, and
 * what the registry's API shows for them.
 */
@QuarkusTest
@WithTestResource(RealStackResource.class)
class RegistryFlowTest {

  @Test
  void aFinishedJobIsRegisteredOnceAndItsPassedEvaluationMovesItToStaging() {
    String team = Fixtures.unique("team");
    TestKeys.Key viewer = TestKeys.issue(team, "viewer");
    String job1 = Fixtures.unique("ftjob"), job2 = Fixtures.unique("ftjob");
    var first =
        Fixtures.training(job1, team, "support", "s3://tuneforge/runs/" + job1 + "/adapter/");
    TestKafka.send(Topics.TRAINING_EVENTS, first);
    TestKafka.send(Topics.TRAINING_EVENTS, first); // redelivered: a new envelope, the same job
    TestKafka.send(
        Topics.TRAINING_EVENTS,
        Fixtures.training(job2, team, "support", "s3://tuneforge/runs/" + job2 + "/adapter/"));

    JsonPath adapter = awaitJson(viewer, "/v1/registry/adapters/support", "versions.size()", 2);
    assertEquals(List.of(1, 2), adapter.getList("versions.version"));
    assertEquals(List.of("candidate", "candidate"), adapter.getList("versions.stage"));
    viewer
        .given()
        .get("/v1/registry/adapters/support/versions/1")
        .then()
        .statusCode(200)
        .body("job_id", equalTo(job1))
        .body("fine_tuned_model", startsWith("ft:tiny-llama:" + team + ":support:"))
        .body("dataset.name", equalTo("support-chats"))
        .body("config.lora_r", equalTo(8));

    TestKafka.send(Topics.EVALUATION_EVENTS, Fixtures.evaluation(job1, team, true));
    awaitJson(viewer, "/v1/registry/adapters/support/versions/1", "stage", "staging");
    viewer
        .given()
        .get("/v1/registry/adapters/support/aliases/staging")
        .then()
        .statusCode(200)
        .body("version", equalTo(1))
        .body("target.evaluation.passed", equalTo(true));

    // Filters: base, stage and metric (the evaluation's exact_match is 0.8).
    viewer
        .given()
        .queryParam("metric", "exact_match>=0.5")
        .queryParam("stage", "staging")
        .queryParam("base", "tiny-llama")
        .get("/v1/registry/adapters")
        .then()
        .statusCode(200)
        .body("data.id", hasItem("support"));
    viewer
        .given()
        .queryParam("metric", "exact_match>0.9")
        .get("/v1/registry/adapters")
        .then()
        .statusCode(200)
        .body("data.size()", equalTo(0));
    viewer
        .given()
        .queryParam("metric", "exact_match~high")
        .get("/v1/registry/adapters")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("metric"));
    viewer
        .given()
        .queryParam("stage", "golden")
        .get("/v1/registry/adapters")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("stage"));

    // Facts: two registrations (not three) and one stage change for this team.
    var registered =
        TestKafka.await(
            Topics.REGISTRY_EVENTS,
            2,
            r ->
                r.value().contains("AdapterRegistered")
                    && TestKafka.decode(r).payload() instanceof AdapterRegistered a
                    && a.team().equals(team),
            Duration.ofSeconds(20));
    assertEquals(2, registered.size());
    TestKafka.await(
        Topics.REGISTRY_EVENTS,
        1,
        r ->
            r.value().contains("AdapterStageChanged")
                && TestKafka.decode(r).payload() instanceof AdapterStageChanged s
                && s.team().equals(team)
                && s.to().equals("staging"),
        Duration.ofSeconds(20));
    // The fine-tuned ids are models of this team.
    viewer
        .given()
        .get("/v1/models")
        .then()
        .statusCode(200)
        .body("data.owned_by", hasItem(team))
        .body("data.id", hasItem(adapter.getString("versions[0].fine_tuned_model")));
  }

  @Test
  void anotherTeamSeesNothing() {
    String team = Fixtures.unique("team");
    TestKeys.Key viewer = TestKeys.issue(team, "viewer");
    TestKeys.Key stranger = TestKeys.issue(Fixtures.unique("other"), "admin");
    String job = Fixtures.unique("ftjob");
    TestKafka.send(
        Topics.TRAINING_EVENTS,
        Fixtures.training(job, team, "private", "s3://tuneforge/runs/" + job + "/adapter/"));
    JsonPath v = awaitJson(viewer, "/v1/registry/adapters/private/versions/1", "job_id", job);
    stranger.given().get("/v1/registry/adapters/private").then().statusCode(404);
    stranger
        .given()
        .get("/v1/registry/adapters/private/versions/1/download")
        .then()
        .statusCode(404);
    stranger.given().get("/v1/models/" + v.getString("fine_tuned_model")).then().statusCode(404);
    stranger
        .given()
        .get("/v1/registry/adapters")
        .then()
        .statusCode(200)
        .body("data.size()", equalTo(0));
  }

  @Test
  void theAdapterListIsPagedAfterTheLastIdSeen() {
    String team = Fixtures.unique("team");
    TestKeys.Key viewer = TestKeys.issue(team, "viewer");
    for (String name : List.of("alpha", "beta")) {
      String job = Fixtures.unique("ftjob");
      TestKafka.send(
          Topics.TRAINING_EVENTS,
          Fixtures.training(job, team, name, "s3://tuneforge/runs/" + job + "/adapter/"));
      awaitJson(viewer, "/v1/registry/adapters/" + name + "/versions/1", "job_id", job);
    }
    JsonPath first =
        viewer
            .given()
            .queryParam("limit", 1)
            .get("/v1/registry/adapters")
            .then()
            .statusCode(200)
            .body("data.size()", equalTo(1))
            .body("has_more", equalTo(true))
            .extract()
            .jsonPath();
    String seen = first.getString("data[0].id");
    assertEquals(seen, first.getString("last_id"));
    String next =
        viewer
            .given()
            .queryParam("limit", 1)
            .queryParam("after", seen)
            .get("/v1/registry/adapters")
            .then()
            .statusCode(200)
            .body("data.size()", equalTo(1))
            .body("has_more", equalTo(false))
            .extract()
            .path("data[0].id");
    assertEquals(Set.of("alpha", "beta"), Set.of(seen, next));
    viewer
        .given()
        .queryParam("limit", 0)
        .get("/v1/registry/adapters")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("limit"));
  }

  @Test
  void deletingAFineTunedModelArchivesItsVersionAsOpenAiDeletes() {
    String team = Fixtures.unique("team");
    TestKeys.Key viewer = TestKeys.issue(team, "viewer");
    TestKeys.Key trainer = TestKeys.issue(team, "trainer");
    TestKeys.Key reviewer = TestKeys.issue(team, "reviewer");
    TestKeys.Key stranger = TestKeys.issue(Fixtures.unique("other"), "admin");
    String job = Fixtures.unique("ftjob");
    TestKafka.send(
        Topics.TRAINING_EVENTS,
        Fixtures.training(job, team, "retired", "s3://tuneforge/runs/" + job + "/adapter/"));
    String ft =
        awaitJson(viewer, "/v1/registry/adapters/retired/versions/1", "job_id", job)
            .getString("fine_tuned_model");

    trainer.given().delete("/v1/models/" + ft).then().statusCode(403);
    stranger.given().delete("/v1/models/" + ft).then().statusCode(404);
    reviewer
        .given()
        .delete("/v1/models/" + ft)
        .then()
        .statusCode(200)
        .body("id", equalTo(ft))
        .body("object", equalTo("model"))
        .body("deleted", equalTo(true));
    // the writer's next read sees it: no longer a model, its version archived, not removed
    reviewer.given().get("/v1/models/" + ft).then().statusCode(404);
    viewer.given().get("/v1/models").then().body("data.id", not(hasItem(ft)));
    viewer
        .given()
        .get("/v1/registry/adapters/retired/versions/1")
        .then()
        .statusCode(200)
        .body("stage", equalTo("archived"));
    reviewer.given().delete("/v1/models/" + ft).then().statusCode(404);
  }

  static JsonPath awaitJson(TestKeys.Key key, String path, String field, Object expected) {
    JsonPath[] last = new JsonPath[1];
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              var r = key.given().get(path);
              if (r.statusCode() != 200) {
                return false;
              }
              last[0] = r.jsonPath();
              return expected.equals(last[0].get(field));
            });
    assertTrue(last[0] != null);
    return last[0];
  }
}
