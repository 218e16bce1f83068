package dev.tuneforge.evaluator.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.evaluator.service.TrainedModels;
import dev.tuneforge.evaluator.testing.Publish;
import dev.tuneforge.evaluator.testing.Records;
import dev.tuneforge.evaluator.testing.TinyModels;
import dev.tuneforge.events.Topics;
import dev.tuneforge.events.TrainingCompleted;
import dev.tuneforge.gateway.Gateway;
import dev.tuneforge.gateway.Routes;
import dev.tuneforge.storage.artifact.ArtifactStore;
import dev.tuneforge.testing.RealStackResource;
import dev.tuneforge.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Node SDK, unchanged, calls the chat endpoint for a fine-tuned model through
 * the gateway (libs/gateway, as clients reach it), plain and streamed ({@code
 * scripts/openai-sdk-chat/chat.mjs}). Skipped unless node and the SDK are installed ({@code
 * scripts/openai-sdk-chat/install.sh}); the suite itself needs no Node.
 */
@Tag("quarkus") // own JVM: see the surefire executions in pom.xml
@QuarkusTest
@WithTestResource(RealStackResource.class)
class OpenAiSdkChatTest {
  static final Path SCRIPT = Path.of("../scripts/openai-sdk-chat/chat.mjs");

  @Inject ArtifactStore artifacts;
  @Inject TrainedModels trained;

  @Test
  void theOfficialSdkChatsPlainAndStreamedWithAFineTunedModel() throws Exception {
    Assumptions.assumeTrue(
        Files.isDirectory(SCRIPT.resolveSibling("node_modules/openai")),
        "scripts/openai-sdk-chat/install.sh was not run");
    Assumptions.assumeTrue(nodeRuns(), "no node on this machine");
    String run = UUID.randomUUID().toString().substring(0, 8);
    String team = "sdk-" + run;
    String base = "tiny-sdk-" + run;
    String jobId = "ftjob-sdk" + run;
    Publish.baseModel(artifacts, TinyModels.base(), base);
    String uri = Publish.adapter(artifacts, TinyModels.adapter(), jobId);
    TrainingCompleted t =
        Publish.completed(
            jobId, team, base, uri, Publish.manifestSha256(artifacts, uri), null, null, Map.of());
    Records.send(Topics.TRAINING_EVENTS, t);
    String model = TrainedModels.modelId(t);
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> trained.byModelId(model).isPresent());

    // As a client reaches it: through the gateway, which routes /v1/chat to this service. The
    // other services are not running here; the chat call does not need them.
    String evaluator = RestAssured.baseURI + ":" + RestAssured.port;
    Routes routes =
        Routes.fromEnvironment(
            Map.of(
                "TUNEFORGE_DATASET_URL", "http://127.0.0.1:1",
                "TUNEFORGE_TRAINER_URL", "http://127.0.0.1:1",
                "TUNEFORGE_EVALUATOR_URL", evaluator,
                "TUNEFORGE_REGISTRY_URL", "http://127.0.0.1:1"));
    String out;
    Process p;
    try (Gateway gateway = new Gateway("127.0.0.1", 0, routes)) {
      gateway.start();
      ProcessBuilder pb =
          new ProcessBuilder(
                  "node",
                  SCRIPT.toAbsolutePath().toString(),
                  "http://127.0.0.1:" + gateway.port() + "/v1")
              .redirectErrorStream(true);
      pb.environment().put("TUNEFORGE_API_KEY", TestKeys.shared(team, "trainer").secret());
      pb.environment().put("TUNEFORGE_MODEL", model);
      pb.environment().put("TUNEFORGE_PROMPT", "Double of four");
      p = pb.start();
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the SDK script did not finish");
      out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }
    assertEquals(0, p.exitValue(), out);
    JsonNode r = new ObjectMapper().readTree(out.substring(out.lastIndexOf('\n') + 1));
    assertEquals("eight", r.get("plain").asText().strip(), out);
    assertEquals(r.get("plain").asText(), r.get("streamed").asText(), out);
    assertTrue(r.get("chunks").asInt() >= 3, out);
    assertEquals(
        r.at("/plain_usage/completion_tokens").asInt(),
        r.at("/usage/completion_tokens").asInt(),
        out);
    assertEquals(404, r.at("/missing/status").asInt(), out);
    assertEquals("model_not_found", r.at("/missing/code").asText(), out);
  }

  static boolean nodeRuns() {
    try {
      return new ProcessBuilder("node", "--version").start().waitFor() == 0;
    } catch (Exception e) {
      return false;
    }
  }
}
