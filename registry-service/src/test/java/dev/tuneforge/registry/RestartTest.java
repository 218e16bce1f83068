package dev.tuneforge.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.events.Topics;
import dev.tuneforge.platform.KafkaViews;
import dev.tuneforge.platform.view.KafkaView;
import dev.tuneforge.registry.adapters.AdapterRegistry;
import dev.tuneforge.registry.state.RegistryState;
import dev.tuneforge.registry.state.VersionRef;
import dev.tuneforge.testing.RealStackResource;
import dev.tuneforge.testing.TestKafka;
import dev.tuneforge.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A restart: a registry rebuilt from the beginning of its topics (as a restarted replica builds it)
 * equals the running one — versions, stages, aliases, evaluations, history.
 */
@QuarkusTest
@WithTestResource(RealStackResource.class)
class RestartTest {

  @Inject AdapterRegistry registry;
  @Inject KafkaViews views;

  @ConfigProperty(name = "tuneforge.registry.view-topics")
  List<String> viewTopics;

  @Test
  void aRegistryRebuiltFromKafkaEqualsTheOneBefore() throws Exception {
    String team = Fixtures.unique("team");
    TestKeys.Key viewer = TestKeys.issue(team, "viewer");
    String[] jobs = {Fixtures.unique("ftjob"), Fixtures.unique("ftjob"), Fixtures.unique("ftjob")};
    for (String job : jobs) {
      TestKafka.send(
          Topics.TRAINING_EVENTS,
          Fixtures.training(job, team, "restart", "s3://tuneforge/runs/" + job + "/adapter/"));
    }
    RegistryFlowTest.awaitJson(viewer, "/v1/registry/adapters/restart", "versions.size()", 3);
    TestKafka.send(Topics.EVALUATION_EVENTS, Fixtures.evaluation(jobs[0], team, true));
    TestKafka.send(Topics.EVALUATION_EVENTS, Fixtures.evaluation(jobs[1], team, false));
    RegistryFlowTest.awaitJson(
        viewer, "/v1/registry/adapters/restart/versions/2", "evaluation.passed", false);
    registry.promote(
        new VersionRef(team, "restart", 1), "production", null, "k", "reviewer", false, null);
    registry.promote(
        new VersionRef(team, "restart", 3), "archived", null, "k", "reviewer", false, "old");

    RegistryState before = registry.state();
    RegistryState rebuilt = new RegistryState();
    try (KafkaView view =
        views
            .builder("restart-" + Fixtures.unique("r"))
            .topics(viewTopics)
            .projection(rebuilt)
            .start()) {
      assertTrue(view.awaitCaughtUp(Duration.ofSeconds(30)));
      // The running view may have moved on (other tests' records): compare once both are at rest.
      var mine = before.adapter(team, "restart").orElseThrow();
      var theirs = rebuilt.adapter(team, "restart").orElseThrow();
      assertEquals(mine, theirs);
      assertEquals("production", theirs.version(1).orElseThrow().stage().wireName());
      assertEquals("candidate", theirs.version(2).orElseThrow().stage().wireName());
      assertEquals("archived", theirs.version(3).orElseThrow().stage().wireName());
      assertFalse(theirs.version(1).orElseThrow().promotions().isEmpty());
      for (String job : jobs) {
        assertEquals(before.byJob(job), rebuilt.byJob(job));
      }
    }
  }
}
