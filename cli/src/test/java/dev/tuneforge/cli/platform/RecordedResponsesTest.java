package dev.tuneforge.cli.platform;

import static dev.tuneforge.cli.platform.RecordedPlatform.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.cli.Cli;
import dev.tuneforge.cli.client.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer's and evaluator's commands on answers recorded from a real run of the four services
 * ({@code recorded/}, see {@link RecordPlatformResponses}): the paths they ask for, the body they
 * send, and what they print from those answers.
 */
class RecordedResponsesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static JsonNode fx(String name) throws Exception {
    return JSON.readTree(fixture(name));
  }

  private static Cli tf(RecordedPlatform p, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--url", p.url(), "--api-key", "tf-recorded"));
    return Cli.run(all.toArray(String[]::new));
  }

  /** The data of every event of the recorded stream. */
  private static List<JsonNode> events() throws Exception {
    List<JsonNode> events = new ArrayList<>();
    for (String line : fixture("job-events.sse").split("\n")) {
      if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
        events.add(JSON.readTree(line.substring(6)));
      }
    }
    return events;
  }

  @Test
  void jobsWatchDrawsTheRecordedRunAndExitsWithItsStatus() throws Exception {
    JsonNode job = fx("job.json");
    String id = job.get("id").asText();
    List<JsonNode> metrics =
        events().stream().filter(e -> e.path("type").asText().equals("metrics")).toList();
    assertTrue(metrics.size() > 1, "the recording has progress events");
    JsonNode last = metrics.get(metrics.size() - 1).path("data");
    try (RecordedPlatform p =
        new RecordedPlatform()
            .answer("GET /v1/fine_tuning/jobs/" + id + "/events?stream=true", "job-events.sse")
            .answer("GET /v1/fine_tuning/jobs/" + id, "job.json")) {
      Cli r = tf(p, "jobs", "watch", id);
      assertEquals(0, r.code(), r.toString());
      assertEquals(
          metrics.size(), r.out().lines().filter(l -> l.startsWith("  [")).count(), r.out());
      assertTrue(
          r.out()
              .contains(
                  "step "
                      + last.get("total_steps").asLong()
                      + "/"
                      + last.get("total_steps").asLong()),
          r.out());
      assertTrue(
          r.out().contains(id + " succeeded: " + job.get("fine_tuned_model").asText()), r.out());
      assertTrue(
          r.out()
              .contains(
                  "training loss "
                      + Table.number(metrics.get(0).at("/data/train_loss").asDouble())
                      + " -> "
                      + Table.number(last.get("train_loss").asDouble())),
          r.out());
    }
  }

  @Test
  void chatPrintsTheStreamedTokensWhichAddUpToTheUnstreamedAnswer() throws Exception {
    String answer = fx("chat.json").at("/choices/0/message/content").asText();
    try (RecordedPlatform p =
        new RecordedPlatform().answer("POST /v1/chat/completions", "chat-stream.sse")) {
      Cli r =
          tf(
              p,
              "chat",
              "tiny-llama",
              "What is 5 plus 2?",
              "--temperature",
              "0",
              "--max-tokens",
              "12");
      assertEquals(0, r.code(), r.toString());
      assertEquals(answer + "\n", r.out()); // recorded greedy, streamed and not: the same text
      assertEquals(
          JSON.readTree(
              "{\"model\":\"tiny-llama\",\"messages\":[{\"role\":\"user\",\"content\":"
                  + "\"What is 5 plus 2?\"}],\"stream\":true,\"max_tokens\":12,\"temperature\":0.0}"),
          JSON.readTree(p.seen.get(0).body()));
    }
  }

  @Test
  void evalsShowPutsEveryMetricOfBaseAndTunedSideBySide() throws Exception {
    JsonNode e = fx("evaluation.json");
    assertEquals("completed", e.path("status").asText());
    try (RecordedPlatform p =
        new RecordedPlatform()
            .answer("GET /v1/evaluations/" + e.get("id").asText(), "evaluation.json")) {
      Cli r = tf(p, "evals", "show", e.get("id").asText());
      assertEquals(0, r.code(), r.toString());
      java.util.Iterator<String> it = e.path("metrics").fieldNames();
      assertTrue(it.hasNext(), "the recording has metrics");
      while (it.hasNext()) {
        String k = it.next();
        String row =
            r.out().lines().filter(l -> l.startsWith(k + " ")).findFirst().orElse("missing " + k);
        assertTrue(row.contains(Table.value(e.path("metrics").path(k))), row + "\n" + r.out());
        assertTrue(row.contains(Table.value(e.path("base_metrics").path(k))), row + "\n" + r.out());
      }
      assertTrue(
          r.out().contains("gate: " + (e.path("passed").asBoolean() ? "PASSED" : "FAILED")),
          r.out());
      for (JsonNode c : e.path("cases")) {
        assertTrue(r.out().contains(c.path("id").asText() + " "), r.out());
      }
    }
  }

  @Test
  void evalsRunTakesADatasetWithoutASuite() throws Exception {
    JsonNode created = fx("evaluation-created.json");
    try (RecordedPlatform p =
        new RecordedPlatform().answer("POST /v1/evaluations", "evaluation-created.json")) {
      Cli r =
          tf(p, "evals", "run", "--model", "support@production", "--dataset", "support-chats@v1");
      assertEquals(0, r.code(), r.toString());
      assertTrue(
          r.out().startsWith("started " + created.get("id").asText() + " (queued)"), r.toString());
      assertEquals(
          JSON.readTree("{\"model\":\"support@production\",\"dataset\":\"support-chats@v1\"}"),
          JSON.readTree(p.seen.get(0).body()));

      // neither a suite nor a dataset: a usage error, and nothing is sent
      Cli none = tf(p, "evals", "run", "--model", "support@production");
      assertEquals(2, none.code(), none.toString());
      assertTrue(none.err().contains("give --suite, --dataset or both"), none.toString());
      assertEquals(1, p.seen.size());
    }
  }

  @Test
  void readsWithOutputJsonPrintTheRecordedAnswerUnchanged() throws Exception {
    String job = fx("job.json").get("id").asText();
    String eval = fx("evaluation.json").get("id").asText();
    String[][] cases = {
      {"GET /v1/fine_tuning/jobs/" + job, "job.json", "jobs show " + job},
      {"GET /v1/fine_tuning/jobs", "jobs.json", "jobs list"},
      {
        "GET /v1/fine_tuning/jobs/" + job + "/events?limit=100",
        "job-events.json",
        "jobs events " + job + " --limit 100"
      },
      {"GET /v1/evaluations?job_id=" + job, "evaluations.json", "evals list --job " + job},
      {"GET /v1/evaluations/" + eval, "evaluation.json", "evals show " + eval},
      {"GET /v1/evaluation/suites/arith-smoke", "suite.json", "suites show arith-smoke"},
      {"GET /v1/registry/adapters/arith", "adapter.json", "adapters show arith"},
      {
        "GET /v1/registry/adapters/arith/versions/1",
        "adapter-version.json",
        "adapters show arith 1"
      },
    };
    try (RecordedPlatform p = new RecordedPlatform()) {
      for (String[] c : cases) {
        p.answer(c[0], c[1]);
      }
      for (String[] c : cases) {
        List<String> args = new ArrayList<>(List.of(c[2].split(" ")));
        Cli human = tf(p, args.toArray(String[]::new));
        assertEquals(0, human.code(), c[2] + "\n" + human);
        assertTrue(human.out().lines().count() > 1, c[2] + "\n" + human);
        args.addAll(List.of("-o", "json"));
        Cli json = tf(p, args.toArray(String[]::new));
        assertEquals(0, json.code(), c[2] + "\n" + json);
        assertEquals(fixture(c[1]).strip(), json.out().strip(), c[2]);
      }
    }
  }

  @Test
  void jobsCreateSendsTheFileAndTheFlagsAsOneBody() throws Exception {
    JsonNode created = fx("job-created.json");
    Path job =
        Files.writeString(
            dir.resolve("job.yaml"),
            "model: tiny-llama\nsuffix: arith\nseed: 7\nhyperparameters: {n_epochs: 1}\n"
                + "tuneforge: {adapter: lora}\n");
    try (RecordedPlatform p =
        new RecordedPlatform().answer("POST /v1/fine_tuning/jobs", "job-created.json")) {
      Cli r =
          tf(
              p,
              "jobs",
              "create",
              "-f",
              job.toString(),
              "--training-file",
              "arith@v1",
              "--batch-size",
              "8",
              "--set",
              "lora_r=4",
              "--suite",
              "arith-smoke");
      assertEquals(0, r.code(), r.toString());
      assertEquals(
          "created "
              + created.get("id").asText()
              + ": tiny-llama on "
              + created.get("training_file").asText()
              + " ("
              + created.get("status").asText()
              + ")\n",
          r.out());
      JsonNode sent = JSON.readTree(p.seen.get(0).body());
      assertEquals("tiny-llama", sent.get("model").asText());
      assertEquals(7, sent.get("seed").asInt());
      assertEquals("lora", sent.at("/tuneforge/adapter").asText());
      assertEquals("arith@v1", sent.get("training_file").asText());
      assertEquals(8, sent.at("/hyperparameters/batch_size").asInt());
      assertEquals(1, sent.at("/hyperparameters/n_epochs").asInt());
      assertEquals(4, sent.at("/tuneforge/lora_r").asInt());
      assertEquals("arith-smoke", sent.at("/tuneforge/evaluation_suite").asText());
    }
  }
}
