package dev.tuneforge.evaluator.chat;

import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.evaluator.service.TrainedModels;
import dev.tuneforge.evaluator.testing.Publish;
import dev.tuneforge.evaluator.testing.Records;
import dev.tuneforge.evaluator.testing.TinyModels;
import dev.tuneforge.events.AdapterVersionRecorded;
import dev.tuneforge.events.Topics;
import dev.tuneforge.events.TrainingCompleted;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.artifact.ArtifactStore;
import dev.tuneforge.testing.RealStackResource;
import dev.tuneforge.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code /v1/chat/completions} on the real stack with the tiny base model and its "doubles"
 * adapter: plain and streamed, base and fine-tuned, and another team's adapter answered 404.
 */
@Tag("quarkus") // own JVM: see the surefire executions in pom.xml
@QuarkusTest
@WithTestResource(RealStackResource.class)
class ChatCompletionsTest {
  @Inject ArtifactStore artifacts;
  @Inject ServedModels served;
  @Inject TrainedModels trained;
  final ObjectMapper json = new ObjectMapper();

  String team;
  String base;
  String fineTuned;
  String jobId;

  @BeforeEach
  void publishBaseAndAdapter() {
    String run = UUID.randomUUID().toString().substring(0, 8);
    team = "chat-" + run;
    base = "tiny-chat-" + run;
    jobId = "ftjob-chat" + run;
    Publish.baseModel(artifacts, TinyModels.base(), base);
    String uri = Publish.adapter(artifacts, TinyModels.adapter(), jobId);
    TrainingCompleted t =
        Publish.completed(
            jobId, team, base, uri, Publish.manifestSha256(artifacts, uri), null, null, Map.of());
    Records.send(Topics.TRAINING_EVENTS, t);
    fineTuned = TrainedModels.modelId(t);
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> trained.byModelId(fineTuned).isPresent());
  }

  Map<String, Object> request(String model, boolean stream) {
    return Map.of(
        "model",
        model,
        "messages",
        List.of(Map.of("role", "user", "content", "Double of four")),
        "temperature",
        0,
        "max_tokens",
        6,
        "stream",
        stream,
        "stream_options",
        Map.of("include_usage", true));
  }

  Response post(TestKeys.Key key, Object body) {
    return key.given().contentType("application/json").body(body).post("/v1/chat/completions");
  }

  String complete(String model) {
    Response r = post(TestKeys.shared(team, "trainer"), request(model, false));
    r.then()
        .statusCode(200)
        .body("object", is("chat.completion"))
        .body("model", is(model))
        .body("choices[0].message.role", is("assistant"))
        .body("usage.completion_tokens", lessThanOrEqualTo(6));
    int prompt = r.path("usage.prompt_tokens");
    int completion = r.path("usage.completion_tokens");
    assertTrue(prompt > 0);
    assertEquals(prompt + completion, (int) r.path("usage.total_tokens"));
    return r.path("choices[0].message.content");
  }

  @Test
  void baseAndAdapterAnswerPlainAndStreamedTheAdapterOnTheSharedBase() throws Exception {
    String tuned = complete(fineTuned);
    String plain = complete(base);
    assertEquals("eight", tuned.strip(), "the adapter learned doubles");
    assertNotEquals(tuned, plain, "the base model has not");
    assertEquals(tuned, complete(fineTuned), "greedy decoding is deterministic");

    // the adapter runs over the base already loaded for the plain request, not a second copy
    String basePrefix = BucketLayout.model(base, "main");
    String adapterPrefix = BucketLayout.adapter(jobId);
    List<String> resident = served.residentKeys();
    assertTrue(
        resident.contains(basePrefix) && resident.contains(adapterPrefix), resident.toString());
    assertEquals(1, resident.stream().filter(k -> k.startsWith("models/" + base + "/")).count());

    for (String model : List.of(fineTuned, base)) {
      String sse =
          post(TestKeys.shared(team, "trainer"), request(model, true))
              .then()
              .statusCode(200)
              .header("Content-Type", org.hamcrest.Matchers.startsWith("text/event-stream"))
              .extract()
              .asString();
      List<JsonNode> chunks = new ArrayList<>();
      List<String> data = new ArrayList<>();
      for (String line : sse.split("\n")) {
        if (line.startsWith("data: ")) {
          data.add(line.substring(6));
        }
      }
      assertEquals("[DONE]", data.get(data.size() - 1), sse);
      for (String d : data.subList(0, data.size() - 1)) {
        chunks.add(json.readTree(d));
      }
      StringBuilder text = new StringBuilder();
      String finish = null;
      JsonNode usage = null;
      for (JsonNode c : chunks) {
        assertEquals("chat.completion.chunk", c.get("object").asText());
        assertEquals(chunks.get(0).get("id").asText(), c.get("id").asText());
        if (c.get("choices").isEmpty()) {
          usage = c.get("usage");
          continue;
        }
        JsonNode choice = c.get("choices").get(0);
        text.append(choice.path("delta").path("content").asText(""));
        if (!choice.get("finish_reason").isNull()) {
          finish = choice.get("finish_reason").asText();
        }
      }
      assertEquals("assistant", chunks.get(0).at("/choices/0/delta/role").asText());
      assertEquals(model.equals(fineTuned) ? tuned : plain, text.toString(), sse);
      assertTrue(List.of("stop", "length").contains(finish), sse);
      assertTrue(usage != null && usage.get("completion_tokens").asInt() <= 6, sse);
    }
  }

  @Test
  void aRegistryAliasServesTheVersionItPointsAtForItsTeamOnly() {
    // What the registry writes on its compacted topic when version 1 of "doubles" is promoted.
    Records.send(
        Topics.REGISTRY_ADAPTERS,
        new AdapterVersionRecorded(
            team,
            "doubles",
            1,
            fineTuned,
            "production",
            List.of("production"),
            jobId,
            BucketLayout.adapter(jobId),
            base,
            "main",
            null,
            null,
            Map.of(),
            true,
            null));
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> served.resolve("doubles@production", team).isPresent());
    assertEquals("eight", complete("doubles@production").strip());
    assertEquals("eight", complete("doubles@1").strip());
    post(TestKeys.shared("other-" + team, "trainer"), request("doubles@production", false))
        .then()
        .statusCode(404);
    post(TestKeys.shared(team, "trainer"), request("doubles@canary", false)).then().statusCode(404);
  }

  @Test
  void anotherTeamsAdapterIsNotFound() {
    post(TestKeys.shared("other-" + team, "trainer"), request(fineTuned, false))
        .then()
        .statusCode(404)
        .body("error.code", is("model_not_found"))
        .body("error.param", is("model"));
    post(TestKeys.shared(team, "trainer"), request("no-such-model", false)).then().statusCode(404);
    post(TestKeys.shared(team, "viewer"), request(base, false)).then().statusCode(403);
  }

  @Test
  void badRequestsNameTheField() {
    TestKeys.Key key = TestKeys.shared(team, "trainer");
    post(
            key,
            Map.of(
                "model", base, "messages", List.of(Map.of("role", "user", "content", "x")), "n", 2))
        .then()
        .statusCode(400)
        .body("error.param", is("n"));
    post(
            key,
            Map.of(
                "model",
                base,
                "messages",
                List.of(Map.of("role", "user", "content", "x")),
                "temperature",
                3))
        .then()
        .statusCode(400)
        .body("error.param", is("temperature"));
    post(key, Map.of("model", base)).then().statusCode(400).body("error.param", is("messages"));
    post(key, Map.of("model", base, "messages", List.of(Map.of("role", "wizard", "content", "x"))))
        .then()
        .statusCode(400)
        .body("error.param", is("messages[0].role"));
    post(
            key,
            Map.of(
                "model",
                base,
                "messages",
                List.of(Map.of("role", "user", "content", "x")),
                "max_tokens",
                1_000_000))
        .then()
        .statusCode(400)
        .body("error.param", is("max_tokens"));
  }
}
