package dev.tuneforge.trainer.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.events.FineTunedModelId;
import dev.tuneforge.storage.artifact.ArtifactStore;
import dev.tuneforge.testing.RealStackResource;
import dev.tuneforge.testing.TestKeys;
import dev.tuneforge.trainer.TestBucket;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Node SDK (npm {@code openai}, installed by {@code
 * scripts/openai-jobs/install.sh}), unchanged, against the service: create, retrieve, list by
 * metadata, list events while the job runs, list checkpoints, cancel, and a 404. Skipped when
 * {@code node} or the SDK is not installed: the project's tests need no Node.
 */
@QuarkusTest
@TestProfile(WorkersOn.class)
@WithTestResource(RealStackResource.class)
class OpenAiNodeSdkTest {

  static final String TEAM = "sdk-team";
  static final String MODEL = "tiny-sdk";
  static boolean published;

  @Inject ArtifactStore artifacts;

  @BeforeEach
  void bucket() {
    Assumptions.assumeTrue(script() != null, "node or scripts/openai-jobs/node_modules missing");
    if (!published) {
      TestBucket.publishTinyModel(artifacts, MODEL);
      TestBucket.publishDataset(artifacts, TEAM, "sdk-sums", "v1", TestBucket.chats(8));
      published = true;
    }
  }

  @Test
  void theSdkCreatesFollowsAndListsAJobToItsEnd() throws Exception {
    JsonNode r = run("--steps", "4");
    assertEquals("succeeded", r.path("status").asText(), r.toString());
    assertEquals(
        FineTunedModelId.of(MODEL, TEAM, "sdk", r.path("id").asText()),
        r.path("fine_tuned_model").asText());
    assertTrue(r.path("trained_tokens").asLong() > 0, r.toString());
    assertEquals(List.of(4, 2), JsonList.ints(r.path("checkpoints")), r.toString());
    assertEquals(404, r.path("not_found_status").asInt(), r.toString());
  }

  @Test
  void theSdkCancelsARunningJob() throws Exception {
    JsonNode r = run("--steps", "100000", "--cancel");
    assertEquals("cancelled", r.path("status").asText(), r.toString());
    assertTrue(r.path("metrics_events").asInt() >= 2, r.toString());
  }

  JsonNode run(String... extra) throws Exception {
    Path script = script();
    List<String> cmd =
        new ArrayList<>(
            List.of("node", script.toString(), "--model", MODEL, "--training-file", "sdk-sums"));
    cmd.addAll(List.of(extra));
    ProcessBuilder pb =
        new ProcessBuilder(cmd).directory(script.getParent().toFile()).redirectErrorStream(true);
    pb.environment()
        .put("TUNEFORGE_BASE_URL", RestAssured.baseURI + ":" + RestAssured.port + "/v1");
    pb.environment().put("TUNEFORGE_API_KEY", TestKeys.shared(TEAM, "trainer").secret());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), out);
    assertEquals(0, p.exitValue(), out);
    String result =
        out.lines().filter(l -> l.startsWith("RESULT ")).reduce((a, b) -> b).orElseThrow();
    return new ObjectMapper().readTree(result.substring("RESULT ".length()));
  }

  /** scripts/openai-jobs/openai-jobs.mjs with its SDK installed and node on the PATH, or null. */
  static Path script() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path dir = p.resolve("scripts/openai-jobs");
      if (Files.isRegularFile(dir.resolve("openai-jobs.mjs"))) {
        if (!Files.isDirectory(dir.resolve("node_modules/openai")) || !nodeRuns()) {
          return null;
        }
        return dir.resolve("openai-jobs.mjs");
      }
    }
    return null;
  }

  static boolean nodeRuns() {
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Reads a JSON array of integers. */
  static final class JsonList {
    static List<Integer> ints(JsonNode array) {
      List<Integer> out = new ArrayList<>();
      array.forEach(n -> out.add(n.asInt()));
      return out;
    }
  }
}
