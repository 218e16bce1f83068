package dev.tuneforge.registry;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.events.Topics;
import dev.tuneforge.platform.KafkaViews;
import dev.tuneforge.platform.view.KafkaView;
import dev.tuneforge.registry.adapters.AdapterRegistry;
import dev.tuneforge.registry.state.CommandOutcome;
import dev.tuneforge.registry.state.RegistryState;
import dev.tuneforge.registry.state.VersionRef;
import dev.tuneforge.testing.RealStackResource;
import dev.tuneforge.testing.TestKafka;
import dev.tuneforge.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Who may promote what, and what two concurrent promotions do: evaluation-gated production for
 * reviewers, forced promotion for admins with a reason, none for trainers, and exactly one winner
 * of a race that every view rebuilt from the log agrees on.
 */
@QuarkusTest
@WithTestResource(RealStackResource.class)
class PromotionTest {

  @Inject AdapterRegistry registry;
  @Inject KafkaViews views;

  @ConfigProperty(name = "tuneforge.registry.view-topics")
  List<String> viewTopics;

  /** Registers {@code jobs} under {@code name} for {@code team}, with evaluations as given. */
  private TestKeys.Key adapter(String team, String name, Boolean... passed) {
    TestKeys.Key viewer = TestKeys.issue(team, "viewer");
    for (int i = 0; i < passed.length; i++) {
      String job = Fixtures.unique("ftjob");
      TestKafka.send(
          Topics.TRAINING_EVENTS,
          Fixtures.training(job, team, name, "s3://tuneforge/runs/" + job + "/adapter/"));
      RegistryFlowTest.awaitJson(
          viewer, "/v1/registry/adapters/" + name + "/versions/" + (i + 1), "job_id", job);
      if (passed[i] != null) {
        TestKafka.send(Topics.EVALUATION_EVENTS, Fixtures.evaluation(job, team, passed[i]));
        RegistryFlowTest.awaitJson(
            viewer,
            "/v1/registry/adapters/" + name + "/versions/" + (i + 1),
            "evaluation.passed",
            passed[i]);
      }
    }
    return viewer;
  }

  @Test
  void productionNeedsAReviewerAndAPassedEvaluationOrAnAdminWithAReason() {
    String team = Fixtures.unique("team");
    TestKeys.Key viewer = adapter(team, "gate", true, false);
    TestKeys.Key trainer = TestKeys.issue(team, "trainer");
    TestKeys.Key reviewer = TestKeys.issue(team, "reviewer");
    TestKeys.Key admin = TestKeys.issue(team, "admin");
    String production = "{\"stage\":\"production\"}";

    trainer
        .given()
        .contentType("application/json")
        .body(production)
        .post("/v1/registry/adapters/gate/versions/1/promote")
        .then()
        .statusCode(403);
    viewer
        .given()
        .contentType("application/json")
        .body(production)
        .post("/v1/registry/adapters/gate/versions/1/promote")
        .then()
        .statusCode(403);
    reviewer
        .given()
        .contentType("application/json")
        .body(production)
        .post("/v1/registry/adapters/gate/versions/2/promote")
        .then()
        .statusCode(400)
        .body("error.code", equalTo("evaluation_not_passed"))
        .body("error.message", containsString("exact_match fell"));
    reviewer
        .given()
        .contentType("application/json")
        .body("{\"stage\":\"production\",\"force\":true,\"reason\":\"x\"}")
        .post("/v1/registry/adapters/gate/versions/2/promote")
        .then()
        .statusCode(403);
    reviewer
        .given()
        .contentType("application/json")
        .body(production)
        .post("/v1/registry/adapters/gate/versions/1/promote")
        .then()
        .statusCode(200)
        .body("stage", equalTo("production"))
        .body("history[0].role", equalTo("reviewer"));
    viewer
        .given()
        .get("/v1/registry/adapters/gate/aliases/production")
        .then()
        .statusCode(200)
        .body("version", equalTo(1));

    admin
        .given()
        .contentType("application/json")
        .body("{\"stage\":\"production\",\"force\":true}")
        .post("/v1/registry/adapters/gate/versions/2/promote")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("reason"));
    admin
        .given()
        .contentType("application/json")
        .body("{\"stage\":\"production\",\"force\":true,\"reason\":\"customer hotfix\"}")
        .post("/v1/registry/adapters/gate/versions/2/promote")
        .then()
        .statusCode(200)
        .body("stage", equalTo("production"))
        .body("history[0].forced", equalTo(true))
        .body("history[0].reason", equalTo("customer hotfix"));
    viewer
        .given()
        .get("/v1/registry/adapters/gate/versions/1")
        .then()
        .body("stage", equalTo("staging"));

    reviewer
        .given()
        .contentType("application/json")
        .body("{\"reason\":\"superseded\"}")
        .post("/v1/registry/adapters/gate/versions/1/archive")
        .then()
        .statusCode(200)
        .body("stage", equalTo("archived"))
        .body("archive_reason", equalTo("superseded"));
    reviewer
        .given()
        .contentType("application/json")
        .body(production)
        .post("/v1/registry/adapters/gate/versions/1/promote")
        .then()
        .statusCode(400);
  }

  @Test
  void ofTwoConcurrentPromotionsExactlyOneWinsAndARebuiltViewAgrees() throws Exception {
    String team = Fixtures.unique("team");
    adapter(team, "race", true, true, true);
    for (int round = 0; round < 3; round++) {
      Integer current =
          registry.state().adapter(team, "race").orElseThrow().explicitAliases().get("production");
      // The two contenders are the versions the alias does not point at yet.
      List<VersionRef> contenders = new ArrayList<>();
      for (int n = 1; n <= 3; n++) {
        if (current == null || n != current) {
          contenders.add(new VersionRef(team, "race", n));
        }
      }
      contenders = contenders.subList(0, 2);
      // Two replicas decided at the same moment, each having read the same current alias.
      CountDownLatch go = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      List<Future<CommandOutcome>> results = new ArrayList<>();
      for (VersionRef ref : contenders) {
        results.add(
            pool.submit(
                () -> {
                  go.await();
                  return registry.promote(
                      ref, "production", current, "key-" + ref.version(), "reviewer", false, null);
                }));
      }
      go.countDown();
      List<CommandOutcome> outcomes = new ArrayList<>();
      for (Future<CommandOutcome> f : results) {
        outcomes.add(f.get());
      }
      pool.shutdown();
      long applied = outcomes.stream().filter(o -> o instanceof CommandOutcome.Applied).count();
      long conflicts = outcomes.stream().filter(o -> o instanceof CommandOutcome.Conflict).count();
      assertEquals(1, applied, "exactly one promotion wins: " + outcomes);
      assertEquals(1, conflicts, "the other sees a conflict: " + outcomes);
      int winner =
          ((CommandOutcome.Applied)
                  outcomes.stream()
                      .filter(o -> o instanceof CommandOutcome.Applied)
                      .findFirst()
                      .orElseThrow())
              .ref()
              .version();
      assertEquals(
          winner, registry.state().adapter(team, "race").orElseThrow().aliases().get("production"));

      // A second replica, rebuilt from the log, agrees.
      RegistryState replica = new RegistryState();
      try (KafkaView view =
          views
              .builder("replica-" + Fixtures.unique("r"))
              .topics(viewTopics)
              .projection(replica)
              .start()) {
        assertTrue(view.awaitCaughtUp(Duration.ofSeconds(30)));
        assertEquals(
            Map.of("production", winner),
            replica.adapter(team, "race").orElseThrow().explicitAliases());
      }
    }
  }
}
