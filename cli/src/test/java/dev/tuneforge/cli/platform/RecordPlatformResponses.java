package dev.tuneforge.cli.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.cli.Cli;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test: the tool that recorded {@code src/test/resources/dev/tuneforge/cli/recorded/} from a
 * real run of all four services (trainer- and evaluator-service cannot run in the CLI's default
 * suite, see {@link PlatformCommandsIT}). It runs the pipeline on the 64-wide reference model,
 * saves each answer byte for byte, and runs the CLI's commands against the live services, printing
 * their output. Skipped unless asked for:
 *
 * <pre>
 * mvn -B -DskipTests -pl trainer-service,evaluator-service -am package
 * mvn -B -pl cli -am verify -Dtest=RecordPlatformResponses -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dtuneforge.record=$PWD/cli/src/test/resources/dev/tuneforge/cli/recorded
 * </pre>
 */
class RecordPlatformResponses {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void record() throws Exception {
    String target = System.getProperty("tuneforge.record");
    assumeTrue(target != null && !target.isBlank(), "set -Dtuneforge.record=<folder> to record");
    Path out = Files.createDirectories(Path.of(target));
    try (RealPlatform p =
        RealPlatform.start(
            dir,
            Map.of(
                "dataset-service", "384m",
                "registry-service", "512m",
                "trainer-service", "1g",
                "evaluator-service", "1g"),
            // the 64-wide reference model has a context of 128 positions: leave room for prompts
            Map.of("TUNEFORGE_EVALUATOR_MAX_NEW_TOKENS", "16"))) {
      for (String k :
          List.of(
              "tuneforge.s3.endpoint",
              "tuneforge.s3.access-key",
              "tuneforge.s3.secret-key",
              "tuneforge.s3.bucket")) {
        System.setProperty(k, p.stackConfig.get(k));
      }
      cli(
          p,
          "registry-service",
          "models",
          "import",
          "../libs/llm/src/test/resources/reference/llama3-bf16",
          "--name",
          "tiny-llama");
      String upload =
          cli(
              p,
              "dataset-service",
              "files",
              "upload",
              "../examples/data/arithmetic-chat.jsonl",
              "-o",
              "json");
      String fileId = JSON.readTree(upload).get("id").asText();
      String dataset =
          cli(
              p,
              "dataset-service",
              "datasets",
              "create",
              "arith",
              "--file",
              fileId,
              "--option",
              "validation_ratio=0.1",
              "-o",
              "json");
      String ref =
          JSON.readTree(dataset).get("name").asText()
              + "@"
              + JSON.readTree(dataset).get("version").asText();
      Path suite =
          Files.writeString(
              dir.resolve("suite.yaml"),
              """
          name: arith-smoke
          gate: {min_suite_pass_rate: 0.0, max_retention_loss_increase: 100}
          cases:
            - id: seven
              prompt: "What is 5 plus 2? Answer in words."
              expect: {type: contains, value: "seven"}
            - id: short
              prompt: "What is 1 plus 1? Answer in words."
              expect: {type: max_length, value: 40}
          """);
      save(
          out,
          "suite-created.json",
          cli(p, "evaluator-service", "suites", "create", "-f", suite.toString(), "-o", "json"));
      save(out, "suite.json", p.get("evaluator-service", "/v1/evaluation/suites/arith-smoke"));

      Path job =
          Files.writeString(
              dir.resolve("job.yaml"),
              """
          model: tiny-llama
          suffix: arith
          seed: 7
          hyperparameters: {n_epochs: 1, batch_size: 8}
          tuneforge: {adapter: lora, lora_r: 4, lora_alpha: 8, sequence_len: 128,
                      evaluation_suite: arith-smoke}
          """);
      String created =
          cli(
              p,
              "trainer-service",
              "jobs",
              "create",
              "-f",
              job.toString(),
              "--training-file",
              ref,
              "-o",
              "json");
      save(out, "job-created.json", created);
      String jobId = JSON.readTree(created).get("id").asText();
      save(
          out,
          "job-events.sse",
          raw(p, "trainer-service", "/v1/fine_tuning/jobs/" + jobId + "/events?stream=true", null));
      System.out.println(cli(p, "trainer-service", "jobs", "watch", jobId));
      save(out, "job.json", p.get("trainer-service", "/v1/fine_tuning/jobs/" + jobId));
      save(
          out,
          "job-events.json",
          p.get("trainer-service", "/v1/fine_tuning/jobs/" + jobId + "/events?limit=100"));
      save(out, "jobs.json", p.get("trainer-service", "/v1/fine_tuning/jobs"));

      JsonNode evals = poll(p, "evaluator-service", "/v1/evaluations?job_id=" + jobId);
      save(out, "evaluations.json", p.get("evaluator-service", "/v1/evaluations?job_id=" + jobId));
      String evalId = evals.at("/data/0/id").asText();
      save(out, "evaluation.json", p.get("evaluator-service", "/v1/evaluations/" + evalId));
      System.out.println(cli(p, "evaluator-service", "evals", "show", evalId));

      poll(p, "registry-service", "/v1/registry/adapters/arith");
      Thread.sleep(3000); // the evaluation's outcome reaches the registry after the version
      save(out, "adapter.json", p.get("registry-service", "/v1/registry/adapters/arith"));
      save(
          out,
          "adapter-version.json",
          p.get("registry-service", "/v1/registry/adapters/arith/versions/1"));
      System.out.println(cli(p, "registry-service", "adapters", "show", "arith", "1"));
      System.out.println(
          cli(
              p,
              "registry-service",
              "adapters",
              "download",
              "arith",
              "1",
              "--out",
              dir.resolve("download").toString()));

      String chat =
          "{\"model\":\"tiny-llama\",\"messages\":[{\"role\":\"user\",\"content\":"
              + "\"What is 5 plus 2?\"}],\"temperature\":0,\"max_tokens\":12";
      save(out, "chat.json", raw(p, "evaluator-service", "/v1/chat/completions", chat + "}"));
      save(
          out,
          "chat-stream.sse",
          raw(p, "evaluator-service", "/v1/chat/completions", chat + ",\"stream\":true}"));
      System.out.println(
          cli(
              p,
              "evaluator-service",
              "chat",
              "tiny-llama",
              "What is 5 plus 2?",
              "--temperature",
              "0",
              "--max-tokens",
              "12"));
    }
  }

  private static String cli(RealPlatform p, String service, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--url", p.url(service).toString(), "--api-key", p.adminKey));
    Cli r = Cli.run(all.toArray(String[]::new));
    assertEquals(0, r.code(), String.join(" ", args) + "\n" + r);
    return r.out();
  }

  private static String raw(RealPlatform p, String service, String path, String postJson)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(p.url(service).resolve(path))
            .timeout(Duration.ofMinutes(10))
            .header("Authorization", "Bearer " + p.adminKey);
    if (postJson != null) {
      b.header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(postJson));
    }
    HttpResponse<String> r =
        HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }

  private static JsonNode poll(RealPlatform p, String service, String path) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(p.url(service).resolve(path))
                      .header("Authorization", "Bearer " + p.adminKey)
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        JsonNode n = JSON.readTree(r.body());
        if (!n.has("data") || n.get("data").size() > 0) {
          return n;
        }
      }
      Thread.sleep(1000);
    }
    throw new IllegalStateException("nothing at " + service + path + " in 5 minutes");
  }

  private static void save(Path dir, String name, String body) throws Exception {
    Files.writeString(dir.resolve(name), body);
  }
}
