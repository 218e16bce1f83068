package dev.tuneforge.registry;

import static org.hamcrest.Matchers.equalTo;

import dev.tuneforge.events.AdapterExportFailed;
import dev.tuneforge.events.AdapterExportStarted;
import dev.tuneforge.events.Topics;
import dev.tuneforge.testing.RealStackResource;
import dev.tuneforge.testing.TestKafka;
import dev.tuneforge.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * An export run by another replica: its start and its failure arrive here only as facts in the
 * registry's log (published as that replica publishes them), and this replica's {@code GET
 * …/exports/{id}} answers running, then failed with that replica's reason — never 404 — and a
 * request while it runs does not start a second one here.
 */
@QuarkusTest
@WithTestResource(RealStackResource.class)
class ExportStatusAcrossReplicasTest {

  @Test
  void anExportRunningThenFailedOnAnotherReplicaReadsTheSameHere() {
    String team = Fixtures.unique("team");
    TestKeys.Key trainer = TestKeys.issue(team, "trainer");
    String job = Fixtures.unique("ftjob");
    TestKafka.send(
        Topics.TRAINING_EVENTS,
        Fixtures.training(job, team, "elsewhere", "s3://tuneforge/runs/" + job + "/adapter/"));
    String path = "/v1/registry/adapters/elsewhere/versions/1";
    RegistryFlowTest.awaitJson(trainer, path, "job_id", job);
    trainer.given().get(path + "/exports/gguf-q8_0").then().statusCode(404);

    String other = "registry-b/4242";
    TestKafka.send(
        Topics.REGISTRY_EVENTS,
        new AdapterExportStarted(
            team, "elsewhere", 1, "gguf-q8_0", "gguf", "q8_0", other, "key-of-someone"));
    RegistryFlowTest.awaitJson(trainer, path + "/exports/gguf-q8_0", "status", "running");
    trainer
        .given()
        .get(path + "/exports/gguf-q8_0")
        .then()
        .statusCode(200)
        .body("replica", equalTo(other))
        .body("format", equalTo("gguf"))
        .body("type", equalTo("q8_0"));
    // The same request here while it runs there: the running export, not a second one.
    trainer
        .given()
        .contentType("application/json")
        .body("{\"format\":\"gguf\",\"type\":\"q8_0\"}")
        .post(path + "/exports")
        .then()
        .statusCode(202)
        .body("status", equalTo("running"))
        .body("replica", equalTo(other));

    String reason = "java heap space while writing blk.3.ffn_up.weight";
    TestKafka.send(
        Topics.REGISTRY_EVENTS,
        new AdapterExportFailed(team, "elsewhere", 1, "gguf-q8_0", "gguf", "q8_0", other, reason));
    RegistryFlowTest.awaitJson(trainer, path + "/exports/gguf-q8_0", "status", "failed");
    trainer
        .given()
        .get(path + "/exports/gguf-q8_0")
        .then()
        .statusCode(200)
        .body("error", equalTo(reason))
        .body("replica", equalTo(other));
  }
}
