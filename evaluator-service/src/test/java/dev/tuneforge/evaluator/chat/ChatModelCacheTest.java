package dev.tuneforge.evaluator.chat;

import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tuneforge.evaluator.service.TrainedModels;
import dev.tuneforge.evaluator.testing.Publish;
import dev.tuneforge.evaluator.testing.Records;
import dev.tuneforge.evaluator.testing.TinyModels;
import dev.tuneforge.events.Topics;
import dev.tuneforge.events.TrainingCompleted;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.artifact.ArtifactStore;
import dev.tuneforge.testing.RealStackResource;
import dev.tuneforge.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The chat endpoint's two LRU caches at their configured sizes (one loaded model, two adapters):
 * adapters of one base share it, the least recently used adapter leaves first, and a base leaving
 * the cache takes its adapters with it.
 */
// own JVM, apart from the other Quarkus tests: its profile restarts Quarkus in a new class loader,
// and the native libraries stay with the first (surefire executions in pom.xml)
@Tag("quarkus-small-caches")
@QuarkusTest
@WithTestResource(RealStackResource.class)
@TestProfile(ChatModelCacheTest.SmallCaches.class)
class ChatModelCacheTest {

  /** Cache sizes small enough to see every eviction with three adapters and two bases. */
  public static class SmallCaches implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "tuneforge.evaluator.chat.max-loaded-models", "1",
          "tuneforge.evaluator.chat.max-adapters", "2");
    }
  }

  @Inject ArtifactStore artifacts;
  @Inject ServedModels served;
  @Inject TrainedModels trained;

  final String team = "cache-" + UUID.randomUUID().toString().substring(0, 8);

  /** Publishes a run of {@code base}; returns its fine-tuned id. */
  String adapterOf(String base, String jobId) {
    String uri = Publish.adapter(artifacts, TinyModels.adapter(), jobId);
    TrainingCompleted t =
        Publish.completed(
            jobId, team, base, uri, Publish.manifestSha256(artifacts, uri), null, null, Map.of());
    Records.send(Topics.TRAINING_EVENTS, t);
    String ft = TrainedModels.modelId(t);
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> trained.byModelId(ft).isPresent());
    return ft;
  }

  void chat(String model) {
    TestKeys.shared(team, "trainer")
        .given()
        .contentType("application/json")
        .body(
            Map.of(
                "model",
                model,
                "messages",
                List.of(Map.of("role", "user", "content", "Double of four")),
                "max_tokens",
                2))
        .post("/v1/chat/completions")
        .then()
        .statusCode(200)
        .body("model", is(model));
  }

  @Test
  void adaptersShareTheirBaseAndLeaveLeastRecentlyUsedFirst() {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String base = "tiny-cache-" + run;
    String other = "tiny-cache-other-" + run;
    Publish.baseModel(artifacts, TinyModels.base(), base);
    Publish.baseModel(artifacts, TinyModels.base(), other);
    // distinct last 8 characters: the fine-tuned id's short id
    String[] jobs = {"ftjob-" + run + "-a", "ftjob-" + run + "-b", "ftjob-" + run + "-c"};
    String a = adapterOf(base, jobs[0]);
    String b = adapterOf(base, jobs[1]);
    String c = adapterOf(base, jobs[2]);
    String basePrefix = BucketLayout.model(base, "main");

    chat(a);
    chat(b);
    // two adapters over the one loaded base, least recently used first
    assertEquals(
        List.of(basePrefix, BucketLayout.adapter(jobs[0]), BucketLayout.adapter(jobs[1])),
        served.residentKeys());
    chat(a); // a is now the more recent of the two
    chat(c); // over the limit of two: b, the least recently used, leaves
    assertEquals(
        List.of(basePrefix, BucketLayout.adapter(jobs[0]), BucketLayout.adapter(jobs[2])),
        served.residentKeys());

    // one loaded model at most: the other base replaces this one, and its adapters go with it
    chat(other);
    assertEquals(List.of(BucketLayout.model(other, "main")), served.residentKeys());
  }
}
