package dev.tuneforge.dataset;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tuneforge.artifact.ArtifactKind;
import dev.tuneforge.events.ResultFileId;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.artifact.ArtifactStore;
import dev.tuneforge.testing.RealStackResource;
import dev.tuneforge.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A fine-tuning job's result file, stored by the trainer as the artifact {@code
 * runs/<jobId>/metrics/} (manifest naming the team and the CSV), is a file of the files API for the
 * job's team: retrieved and downloaded by its id ({@link ResultFileId}), byte for byte; another
 * team gets 404, as for a file that does not exist.
 */
@QuarkusTest
@WithTestResource(RealStackResource.class)
class ResultFilesApiTest {

  static final String TEAM = "results-team";
  static final String CSV =
      "step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy\n"
          + "1,6.1,,,\n"
          + "2,5.9,,6.0,\n";

  @Inject ArtifactStore artifacts;

  /** Stores a result file as the trainer does and returns its file id. */
  String storeResultFile(String team) throws Exception {
    String jobId = "ftjob-" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    Path dir = Files.createTempDirectory("result-");
    Files.writeString(dir.resolve("step_metrics.csv"), CSV);
    artifacts.publish(
        dir,
        BucketLayout.metrics(jobId),
        ArtifactKind.REPORT,
        Map.of(
            "job_id",
            jobId,
            "team",
            team,
            "file_id",
            ResultFileId.of(jobId),
            "filename",
            "step_metrics.csv"));
    return ResultFileId.of(jobId);
  }

  static String auth(String team, String role) {
    return "Bearer " + TestKeys.shared(team, role).secret();
  }

  @Test
  void theJobsTeamRetrievesAndDownloadsItsResultFile() throws Exception {
    String id = storeResultFile(TEAM);
    given()
        .header("Authorization", auth(TEAM, "viewer"))
        .get("/v1/files/" + id)
        .then()
        .statusCode(200)
        .body("id", equalTo(id))
        .body("object", equalTo("file"))
        .body("purpose", equalTo("fine-tune-results"))
        .body("filename", equalTo("step_metrics.csv"))
        .body("bytes", equalTo(CSV.getBytes(StandardCharsets.UTF_8).length));
    byte[] body =
        given()
            .header("Authorization", auth(TEAM, "viewer"))
            .get("/v1/files/" + id + "/content")
            .then()
            .statusCode(200)
            .extract()
            .asByteArray();
    assertEquals(CSV, new String(body, StandardCharsets.UTF_8));
  }

  @Test
  void anotherTeamGetsNotFound() throws Exception {
    String id = storeResultFile(TEAM);
    for (String path : new String[] {"/v1/files/" + id, "/v1/files/" + id + "/content"}) {
      given()
          .header("Authorization", auth("results-other", "viewer"))
          .get(path)
          .then()
          .statusCode(404)
          .body("error.param", equalTo("file_id"));
    }
  }

  @Test
  void aResultFileIdOfNoStoredRunIsNotFound() {
    given()
        .header("Authorization", auth(TEAM, "viewer"))
        .get("/v1/files/" + ResultFileId.of("ftjob-none") + "/content")
        .then()
        .statusCode(404);
  }
}
