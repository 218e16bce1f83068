package dev.tuneforge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.artifact.ArtifactManifest;
import dev.tuneforge.artifact.LocalArtifacts;
import dev.tuneforge.artifact.ManifestCodec;
import dev.tuneforge.artifact.Sha256;
import dev.tuneforge.cli.local.LocalMode;
import dev.tuneforge.cli.local.LocalPorts;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.ObjectStore;
import dev.tuneforge.storage.S3Settings;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo's pipeline, small, as a client walks it through the gateway of a real local installation
 * (embedded Kafka broker and S3 server, the four packaged services, the gateway, each its own
 * process) on free ports with its data under {@code target/}: a base model trained and imported
 * with the CLI, a file uploaded, curated, a LoRA job through the jobs API, the automatic
 * evaluation, the registry's version with its lineage, and a chat with the fine-tuned id. Every
 * step checks what it got back.
 */
class PipelineIT {

  static final String BASE = "e2e-base";
  static final String DATASET = "e2e-last-word";
  static final String SUFFIX = "e2e-last-word";
  static final String[] WORDS = {
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"
  };
  static final int RECORDS = 40;

  static Path home;
  static Path data;
  static LocalMode mode;
  static LocalPorts ports;
  static Map<String, String> stack;
  static Api api;
  static final Map<String, Double> seconds = new LinkedHashMap<>();

  @BeforeAll
  static void startPlatform() throws Exception {
    home = Path.of(System.getProperty("tuneforge.home", "..")).toAbsolutePath().normalize();
    data =
        Path.of(System.getProperty("tuneforge.e2e.data", "target/e2e-data"))
            .toAbsolutePath()
            .normalize();
    PrintStream out = System.out;
    // A run killed before its @AfterAll left processes behind: stop them by their pid files.
    new LocalMode(home, data, true, out).down();
    LocalArtifacts.deleteRecursively(data);
    mode = new LocalMode(home, data, true, out);
    Runtime.getRuntime().addShutdownHook(new Thread(PipelineIT::stopQuietly));
    stack = timed("platform up", () -> mode.up(Duration.ofSeconds(240)));
    ports = mode.ports();
    assertNotEquals(
        LocalPorts.defaults().gateway(), ports.gateway(), "the test must not use the default port");
    assertEquals(LocalPorts.read(data.resolve(LocalPorts.FILE)), ports);
    assertEquals("127.0.0.1:" + ports.kafka(), stack.get("kafka.bootstrap.servers"));
    assertEquals("http://127.0.0.1:" + ports.s3(), stack.get("tuneforge.s3.endpoint"));
    api = new Api(ports.gatewayUrl(), Files.readString(mode.adminKeyFile()).strip());
  }

  @AfterAll
  static void stopPlatform() throws Exception {
    if (mode != null) {
      mode.down();
    }
    StringBuilder sb = new StringBuilder("e2e timings:");
    seconds.forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s %.1f s;", k, v)));
    System.out.println(sb);
  }

  private static void stopQuietly() {
    try {
      if (mode != null) {
        mode.down();
      }
    } catch (Exception e) {
      System.err.println("e2e: stopping the platform: " + e);
    }
  }

  @Test
  void uploadCurateTrainEvaluateRegisterAndChat() throws Exception {
    JsonNode health = api.get("/q/health");
    assertEquals("UP", health.path("status").asText());
    for (String s :
        List.of("dataset-service", "trainer-service", "evaluator-service", "registry-service")) {
      assertEquals("UP", health.at("/services/" + s + "/status").asText(), s + ": " + health);
    }

    String baseSha = timed("base model", this::baseModel);
    byte[] content = chats().getBytes(StandardCharsets.UTF_8);
    String fileId = timed("upload", () -> upload(content));
    JsonNode version = timed("curate", () -> curate(fileId));
    String datasetRef = version.get("name").asText() + "@" + version.get("version").asText();
    String datasetHash = version.at("/manifest/metadata/content_hash").asText();
    String suiteRef = timed("suite", this::suite);
    JsonNode job = timed("training", () -> train(datasetRef, suiteRef));
    String jobId = job.get("id").asText();
    String ftModel = job.get("fine_tuned_model").asText();
    JsonNode evaluation = timed("evaluation", () -> evaluation(jobId));
    timed(
        "registry",
        () ->
            registry(
                jobId, ftModel, evaluation, baseSha, datasetRef, datasetHash, suiteRef, version));
    timed("chat", () -> chat(ftModel));
  }

  /** `tuneforge base-model`, then `tuneforge models import`, as the README has a user run them. */
  private String baseModel() throws Exception {
    Path dir = data.resolve("models").resolve(BASE);
    Cli cli =
        new Cli(
            home,
            data.resolve("logs"),
            Map.of(
                "TUNEFORGE_URL", ports.gatewayUrl().toString(),
                "TUNEFORGE_S3_ENDPOINT", stack.get("tuneforge.s3.endpoint"),
                "TUNEFORGE_DATA", data.toString()));
    cli.run(
        180,
        "base-model",
        "--out",
        dir.toString(),
        "--steps",
        "60",
        "--hidden",
        "64",
        "--layers",
        "2");
    assertTrue(Files.exists(dir.resolve("model.safetensors")), "base-model wrote no weights");
    String out = cli.run(120, "models", "import", dir.toString(), "--name", BASE);
    assertTrue(out.contains("imported " + BASE), out);

    JsonNode model = api.get("/v1/models/" + BASE);
    assertEquals(BASE, model.path("id").asText());
    assertEquals("model", model.path("object").asText());
    boolean listed = false;
    for (JsonNode m : api.get("/v1/models?limit=100").path("data")) {
      listed |= BASE.equals(m.path("id").asText());
    }
    assertTrue(listed, "GET /v1/models does not list " + BASE);
    try (ObjectStore s3 = s3()) {
      byte[] manifest = s3.getBytes(BucketLayout.model(BASE, "main") + ArtifactManifest.FILE_NAME);
      ArtifactManifest m = ManifestCodec.decode(manifest, "models/" + BASE);
      for (dev.tuneforge.artifact.ManifestEntry f : m.files()) {
        assertEquals(
            f.sha256(),
            Sha256.of(Files.readAllBytes(dir.resolve(f.path()))),
            "stored " + f.path() + " differs from the local folder");
      }
      return Sha256.of(manifest);
    }
  }

  private String upload(byte[] content) throws Exception {
    JsonNode file = api.upload("last-word.jsonl", content);
    String id = file.path("id").asText();
    assertTrue(id.startsWith("file-"), file.toString());
    assertEquals("file", file.path("object").asText());
    assertEquals("processed", file.path("status").asText(), file.toString());
    assertEquals(content.length, file.path("bytes").asLong());
    assertEquals(Sha256.of(content), file.path("sha256").asText());
    assertEquals(RECORDS + 1, file.at("/validation/valid_records").asLong(), file.toString());
    assertEquals(id, api.get("/v1/files/" + id).path("id").asText());
    return id;
  }

  private JsonNode curate(String fileId) throws Exception {
    JsonNode v =
        api.post(
            "/v1/datasets",
            Map.of(
                "name",
                DATASET,
                "training_files",
                List.of(fileId),
                "options",
                Map.of("validation_ratio", 0.1, "pii", "redact", "near_dedup", true)),
            201);
    assertEquals(DATASET, v.path("name").asText());
    assertTrue(v.path("created").asBoolean(), v.toString());
    JsonNode counts = v.at("/manifest/metadata/counts");
    long train = counts.path("train").asLong();
    long validation = counts.path("validation").asLong();
    long dropped = counts.path("dropped").asLong();
    // 41 lines: 40 distinct records and one exact repeat, which dedup drops.
    assertEquals(RECORDS + 1, train + validation + dropped, v.toString());
    assertTrue(dropped >= 1, "the repeated record was not dropped: " + counts);
    assertTrue(validation >= 1 && train >= validation, counts.toString());
    String hash = v.at("/manifest/metadata/content_hash").asText();
    assertEquals(64, hash.length(), "content_hash: " + hash);
    // The same request again reuses the version: curation is a function of input and options.
    JsonNode again =
        api.post(
            "/v1/datasets",
            Map.of(
                "name",
                DATASET,
                "training_files",
                List.of(fileId),
                "options",
                Map.of("validation_ratio", 0.1, "pii", "redact", "near_dedup", true)),
            200);
    assertEquals(v.path("version").asText(), again.path("version").asText());
    JsonNode report =
        api.get("/v1/datasets/" + DATASET + "/versions/" + v.path("version").asText());
    boolean redacted = false;
    for (JsonNode rule : report.at("/report/rules")) {
      if (rule.path("rule").asText().contains("pii")) {
        redacted = rule.path("changed").asLong() >= 1;
      }
    }
    assertTrue(redacted, "the e-mail address was not redacted: " + report.at("/report/rules"));
    return v;
  }

  private String suite() throws Exception {
    List<Map<String, Object>> cases = new ArrayList<>();
    List<String[]> held = heldOut();
    for (int i = 0; i < 2; i++) {
      cases.add(
          Map.of(
              "id",
              "held-out-" + i,
              "prompt",
              question(held.get(i)),
              "expect",
              Map.of("type", "contains", "value", held.get(i)[2])));
    }
    JsonNode s =
        api.post(
            "/v1/evaluation/suites",
            Map.of(
                "name",
                "e2e-last-word",
                "gate",
                Map.of("min_suite_pass_rate", 0.5),
                "cases",
                cases),
            201,
            200);
    String ref = s.path("ref").asText();
    assertTrue(ref.startsWith("e2e-last-word@"), s.toString());
    return ref;
  }

  private JsonNode train(String datasetRef, String suiteRef) throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("model", BASE);
    body.put("training_file", datasetRef);
    body.put("suffix", SUFFIX);
    body.put("seed", 7);
    body.put(
        "hyperparameters", Map.of("n_epochs", 4, "batch_size", 8, "learning_rate_multiplier", 50));
    body.put(
        "tuneforge",
        Map.of(
            "adapter",
            "lora",
            "lora_r",
            4,
            "lora_alpha",
            8,
            "sequence_len",
            64,
            "evaluation_suite",
            suiteRef));
    body.put("metadata", Map.of("run", "e2e"));
    JsonNode created = api.post("/v1/fine_tuning/jobs", body);
    String id = created.path("id").asText();
    assertTrue(id.startsWith("ftjob-"), created.toString());
    assertEquals("fine_tuning.job", created.path("object").asText());
    assertEquals(BASE, created.path("model").asText());
    assertTrue(
        List.of("validating_files", "queued", "running").contains(created.path("status").asText()),
        created.toString());
    JsonNode listed =
        api.get(
            "/v1/fine_tuning/jobs?"
                + URLEncoder.encode("metadata[run]", StandardCharsets.UTF_8)
                + "=e2e");
    assertEquals(id, listed.at("/data/0/id").asText(), listed.toString());

    JsonNode job =
        poll(
            Duration.ofMinutes(3),
            "job " + id + " to end",
            () -> {
              JsonNode j = api.get("/v1/fine_tuning/jobs/" + id);
              return List.of("succeeded", "failed", "cancelled").contains(j.path("status").asText())
                  ? j
                  : null;
            });
    assertEquals("succeeded", job.path("status").asText(), job.toString());
    String ft = job.path("fine_tuned_model").asText();
    assertTrue(ft.startsWith("ft:" + BASE + ":"), job.toString());
    assertTrue(ft.contains(SUFFIX), ft);
    assertTrue(job.path("trained_tokens").asLong() > 0, job.toString());

    // The event stream: progress with a finite loss, then the end.
    List<JsonNode> events = new ArrayList<>();
    api.get("/v1/fine_tuning/jobs/" + id + "/events?limit=100").path("data").forEach(events::add);
    List<Double> losses = new ArrayList<>();
    for (JsonNode e : events) {
      if (e.at("/data/step").isNumber()) {
        losses.add(e.at("/data/train_loss").asDouble());
      }
    }
    assertFalse(losses.isEmpty(), "no progress events: " + events);
    losses.forEach(l -> assertTrue(Double.isFinite(l) && l > 0, "loss " + l));
    JsonNode checkpoints = api.get("/v1/fine_tuning/jobs/" + id + "/checkpoints");
    assertTrue(checkpoints.path("data").size() >= 1, checkpoints.toString());
    return job;
  }

  /** The evaluator starts by itself on TrainingCompleted; the outcome is listed by job id. */
  private JsonNode evaluation(String jobId) throws Exception {
    JsonNode e =
        poll(
            Duration.ofMinutes(3),
            "the evaluation of " + jobId,
            () -> {
              JsonNode d = api.get("/v1/evaluations?job_id=" + jobId).path("data");
              return d.size() > 0 ? d.get(0) : null;
            });
    assertEquals("eval-" + jobId, e.path("id").asText(), e.toString());
    assertEquals(jobId, e.path("job_id").asText());
    assertEquals("succeeded", e.path("status").asText(), e.toString());
    JsonNode metrics = e.path("metrics");
    JsonNode base = e.path("base_metrics");
    for (String k :
        List.of(
            "exact_match",
            "token_f1",
            "rouge_l",
            "validation_loss",
            "perplexity",
            "retention_loss",
            "suite_pass_rate")) {
      assertTrue(metrics.has(k), "metrics lack " + k + ": " + metrics);
    }
    for (Map.Entry<String, JsonNode> m : metrics.properties()) {
      assertTrue(
          m.getValue().isNumber() && Double.isFinite(m.getValue().asDouble()),
          "tuned " + m.getKey() + " = " + m.getValue());
      JsonNode b = base.get(m.getKey());
      assertNotNull(b, "base_metrics lack " + m.getKey() + ": " + base);
      assertTrue(b.isNumber() && Double.isFinite(b.asDouble()), "base " + m.getKey() + " = " + b);
    }
    assertTrue(e.path("passed").isBoolean(), e.toString());
    if (!e.path("passed").asBoolean()) {
      assertTrue(e.path("reasons").size() > 0, "a failed gate names no reason: " + e);
    }
    JsonNode full = api.get("/v1/evaluations/" + e.path("id").asText());
    assertEquals(e.path("passed"), full.path("passed"));
    assertEquals(2, full.path("cases").size(), "suite cases: " + full.path("cases"));
    return e;
  }

  private void registry(
      String jobId,
      String ftModel,
      JsonNode evaluation,
      String baseSha,
      String datasetRef,
      String datasetHash,
      String suiteRef,
      JsonNode datasetVersion)
      throws Exception {
    JsonNode summary =
        poll(
            Duration.ofMinutes(1),
            "the registry to show " + ftModel + " with its evaluation",
            () -> {
              Api.Answer a = api.call("GET", "/v1/registry/adapters/" + SUFFIX, null, null);
              if (a.status() == 404) {
                return null;
              }
              assertEquals(200, a.status(), a.raw());
              for (JsonNode v : a.body().path("versions")) {
                if (ftModel.equals(v.path("fine_tuned_model").asText())
                    && !v.path("evaluation_passed").isNull()) {
                  return v;
                }
              }
              return null;
            });
    boolean passed = evaluation.path("passed").asBoolean();
    assertEquals(passed, summary.path("evaluation_passed").asBoolean());
    int n = summary.path("version").asInt();
    String path = "/v1/registry/adapters/" + SUFFIX + "/versions/" + n;
    JsonNode version = api.get(path);
    assertEquals(jobId, version.path("job_id").asText());
    assertEquals(BASE, version.path("base_model").asText());
    assertEquals(ftModel, version.path("fine_tuned_model").asText());
    // The gate decides the stage: a passed evaluation moves the version to staging.
    assertEquals(
        passed ? "staging" : "candidate", version.path("stage").asText(), version.toString());

    JsonNode lineage = api.get(path + "/lineage");
    assertEquals(BASE, lineage.at("/base/model").asText());
    assertEquals("main", lineage.at("/base/revision").asText());
    assertEquals(baseSha, lineage.at("/base/sha256").asText(), "base sha256");
    assertEquals(
        datasetRef,
        lineage.at("/dataset/name").asText() + "@" + lineage.at("/dataset/version").asText());
    assertEquals(datasetHash, lineage.at("/dataset/sha256").asText(), "dataset sha256");
    assertEquals(jobId, lineage.at("/job/id").asText());
    assertEquals(evaluation.path("id").asText(), lineage.at("/evaluation/id").asText());
    assertEquals(suiteRef, lineage.at("/evaluation/suite").asText());
    assertEquals(evaluation.path("metrics"), lineage.at("/evaluation/metrics"));
    try (ObjectStore s3 = s3()) {
      // Each sha256 is the stored artifact's: the manifest bytes in the bucket hash to it.
      byte[] adapter = s3.getBytes(BucketLayout.adapter(jobId) + ArtifactManifest.FILE_NAME);
      assertEquals(Sha256.of(adapter), lineage.at("/job/sha256").asText(), "adapter sha256");
      assertEquals(
          Sha256.of(s3.getBytes(BucketLayout.model(BASE, "main") + ArtifactManifest.FILE_NAME)),
          lineage.at("/base/sha256").asText());
      ArtifactManifest ds =
          ManifestCodec.decode(
              s3.getBytes(
                  BucketLayout.dataset(DATASET, datasetVersion.path("version").asText())
                      + ArtifactManifest.FILE_NAME),
              "dataset");
      assertEquals(datasetHash, ds.metadata("content_hash").asText(), "dataset content hash");
      assertTrue(
          ManifestCodec.decode(adapter, "adapter").files().stream()
              .anyMatch(f -> f.path().equals("adapter_model.safetensors")),
          "the adapter is not in PEFT layout");
    }
  }

  private void chat(String ftModel) throws Exception {
    String prompt = question(heldOut().get(3));
    JsonNode r =
        api.post(
            "/v1/chat/completions",
            Map.of(
                "model",
                ftModel,
                "messages",
                List.of(Map.of("role", "user", "content", prompt)),
                "temperature",
                0,
                "max_tokens",
                12));
    assertEquals("chat.completion", r.path("object").asText(), r.toString());
    assertEquals(ftModel, r.path("model").asText());
    JsonNode choice = r.at("/choices/0");
    assertEquals("assistant", choice.at("/message/role").asText());
    // What a model this small says is not the point; that it is generated text is.
    JsonNode content = choice.at("/message/content");
    assertTrue(content.isTextual() && !content.asText().isEmpty(), "no answer: " + r);
    String text = content.asText();
    JsonNode usage = r.path("usage");
    long prompt_ = usage.path("prompt_tokens").asLong();
    long completion = usage.path("completion_tokens").asLong();
    assertTrue(prompt_ > prompt.split(" ").length, usage.toString());
    assertTrue(completion >= 1 && completion <= 12, usage.toString());
    assertEquals(prompt_ + completion, usage.path("total_tokens").asLong());
    String finish = choice.path("finish_reason").asText();
    assertTrue(List.of("stop", "length").contains(finish), finish);
    if (finish.equals("length")) {
      assertEquals(12, completion, "a length stop uses every allowed token");
    }
    System.out.println("e2e chat: " + prompt + " -> " + Api.JSON.writeValueAsString(text));
  }

  // ---- data and helpers ----

  static String question(String[] t) {
    return "Last word: " + String.join(" ", t);
  }

  /** Ordered triples of distinct words in a fixed pseudo-random order. */
  static List<String[]> triples() {
    List<String[]> all = new ArrayList<>();
    for (String a : WORDS) {
      for (String b : WORDS) {
        for (String c : WORDS) {
          if (!a.equals(b) && !b.equals(c) && !a.equals(c)) {
            all.add(new String[] {a, b, c});
          }
        }
      }
    }
    java.util.Collections.shuffle(all, new java.util.Random(15));
    return all;
  }

  static List<String[]> heldOut() {
    return triples().subList(RECORDS, RECORDS + 4);
  }

  /** {@value #RECORDS} chat records, one with an e-mail address, plus one exact repeat. */
  static String chats() {
    List<String> lines = new ArrayList<>();
    List<String[]> train = triples().subList(0, RECORDS);
    for (int i = 0; i < train.size(); i++) {
      String user = question(train.get(i)) + (i == 3 ? " (from pat@example.com)" : "");
      ObjectNode r = Api.JSON.createObjectNode();
      var messages = r.putArray("messages");
      messages.addObject().put("role", "user").put("content", user);
      messages
          .addObject()
          .put("role", "assistant")
          .put("content", "The last word is " + train.get(i)[2] + ".");
      lines.add(r.toString());
    }
    lines.add(lines.get(0));
    return String.join("\n", lines) + "\n";
  }

  private static ObjectStore s3() {
    return ObjectStore.connect(
        new S3Settings(
            stack.get("tuneforge.s3.endpoint"),
            stack.get("tuneforge.s3.access-key"),
            stack.get("tuneforge.s3.secret-key"),
            stack.get("tuneforge.s3.bucket")));
  }

  private static <T> T poll(Duration limit, String what, Callable<T> check) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      T t = check.call();
      if (t != null) {
        return t;
      }
      Thread.sleep(500);
    }
    fail("waited " + limit.toSeconds() + " s for " + what);
    return null;
  }

  private static <T> T timed(String step, Callable<T> action) throws Exception {
    long t0 = System.nanoTime();
    try {
      return action.call();
    } finally {
      seconds.put(step, (System.nanoTime() - t0) / 1e9);
    }
  }

  private interface Step {
    void run() throws Exception;
  }

  private static void timed(String step, Step action) throws Exception {
    timed(
        step,
        () -> {
          action.run();
          return null;
        });
  }
}
