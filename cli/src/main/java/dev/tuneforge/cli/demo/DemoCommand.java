package dev.tuneforge.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.artifact.Sha256;
import dev.tuneforge.cli.TuneForge;
import dev.tuneforge.cli.basemodel.BaseModelCommand;
import dev.tuneforge.cli.client.PlatformClient;
import dev.tuneforge.cli.client.ProgressBar;
import dev.tuneforge.cli.jobs.JobWatch;
import dev.tuneforge.cli.keys.ApiKeyFile;
import dev.tuneforge.cli.local.LocalMode;
import dev.tuneforge.cli.models.ModelsCommand;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tuneforge demo}: the whole pipeline as a client walks it, over the public API at the
 * gateway with the admin key: the platform started, the demo base model built and imported, a
 * dataset teaching it a fixed answer format uploaded and curated, a LoRA job followed live from its
 * event stream, the automatic evaluation and registration awaited and summarised, and the same
 * prompts asked of base and tuned model. A rerun reuses every result it finds (file, dataset
 * version, job with the same settings). A failed step names the service and its log file.
 */
@Command(
    name = "demo",
    description = "Start TuneForge locally and fine-tune, evaluate, register and chat, end to end.",
    footer = {"", "Example:", "  ./tuneforge demo --stop"})
public final class DemoCommand implements Callable<Integer> {

  static final String BASE_MODEL = "tuneforge-demo-base";
  static final String FILE_NAME = "demo-answer-format.jsonl";
  static final String DATASET = "demo-answer-format";
  static final String SUITE = "demo-answer-format";
  static final String SUFFIX = "answer-format";

  /** Two questions from the held-out triples: the tuned model never saw them. */
  static final List<String> PROMPTS =
      List.of(
          DemoData.question(DemoData.heldOut().get(0)),
          DemoData.question(DemoData.heldOut().get(1)));

  @Option(
      names = "--stop",
      description = "Stop the platform when the demo ends (default: leave it running).")
  boolean stop;

  @Option(
      names = "--timeout",
      defaultValue = "PT20M",
      description = "How long to wait for training + evaluation (default ${DEFAULT-VALUE}).")
  Duration timeout;

  private final ObjectMapper json = new ObjectMapper();
  private PlatformClient client;

  /** A step that failed: which service answered (or did not) and why. */
  static final class StepFailure extends RuntimeException {
    final String service;

    StepFailure(String service, String message) {
      super(message);
      this.service = service;
    }
  }

  @Override
  public Integer call() throws Exception {
    long started = System.nanoTime();
    LocalMode mode = LocalMode.fromEnvironment(System.out);
    try {
      step("1/7 start the platform (Kafka + S3, four services, gateway)");
      Map<String, String> stack = in("platform", () -> mode.up(Duration.ofSeconds(240)));
      // `models import` writes to the bucket itself: to this installation's S3 (free ports too).
      System.setProperty("tuneforge.s3.endpoint", stack.get("tuneforge.s3.endpoint"));
      URI gateway = mode.gatewayUrl();
      client = new PlatformClient(gateway, ApiKeyFile.require());
      baseModel();
      String datasetRef = dataset();
      String suiteRef = suite();
      String jobId = job(datasetRef, suiteRef).get("id").asText();
      double[] losses = follow(jobId);
      JsonNode job = in("trainer-service", () -> client.get("/v1/fine_tuning/jobs/" + jobId));
      if (!"succeeded".equals(job.path("status").asText())) {
        throw new StepFailure(
            "trainer-service",
            "job "
                + job.get("id").asText()
                + " ended "
                + job.path("status").asText()
                + ": "
                + job.path("error").path("message").asText(""));
      }
      String ftModel = job.get("fine_tuned_model").asText();
      JsonNode evaluation = evaluation(job.get("id").asText());
      JsonNode version = registration(ftModel, evaluation);
      summary(datasetRef, losses, evaluation, version);
      chat(ftModel);
      System.out.printf(
          Locale.ROOT,
          "%nDone in %.0f s. The platform runs at %s (`./tuneforge status`,"
              + " `./tuneforge down`).%n",
          (System.nanoTime() - started) / 1e9,
          gateway);
      return 0;
    } catch (StepFailure e) {
      System.out.println();
      System.err.println("demo failed in " + e.service + ": " + e.getMessage());
      Path log = TuneForge.dataDir().resolve("logs").resolve(e.service + ".log");
      System.err.println(
          Files.exists(log)
              ? "its log: " + log
              : "logs: " + TuneForge.dataDir().resolve("logs") + "/<service>.log");
      return 1;
    } finally {
      if (stop) {
        mode.down();
      }
    }
  }

  /** The demo base model: trained once into the data folder, imported once into the registry. */
  private void baseModel() {
    step(
        "2/7 base model "
            + BASE_MODEL
            + " (the project's own small Llama, `tuneforge base-model`)");
    Path dir = TuneForge.dataDir().resolve("models").resolve(BASE_MODEL);
    if (Files.exists(dir.resolve("config.json"))
        && Files.exists(dir.resolve("model.safetensors"))) {
      System.out.println("  reusing " + dir);
    } else {
      System.out.println(
          "  training it from scratch into "
              + dir
              + " (300 steps; about 20 s on an idle 2-core machine)");
      int rc = new CommandLine(new BaseModelCommand()).execute("--out", dir.toString());
      if (rc != 0) {
        throw new StepFailure("cli", "base-model exited with " + rc);
      }
    }
    boolean imported =
        in(
            "registry-service",
            () -> {
              try {
                client.get("/v1/models/" + BASE_MODEL);
                return true;
              } catch (IllegalStateException e) {
                if (e.getMessage().contains(" answered 404")) {
                  return false;
                }
                throw e;
              }
            });
    if (imported) {
      System.out.println("  already imported: GET /v1/models/" + BASE_MODEL + " answers");
    } else {
      PrintWriter out = new PrintWriter(System.out, true);
      in(
          "registry-service",
          () -> ModelsCommand.importModel(client, dir, BASE_MODEL, "main", out)); // = models import
    }
  }

  /** Upload (unless this exact file is there) and curate; returns {@code name@version}. */
  private String dataset() {
    step("3/7 dataset: upload (POST /v1/files) and curate (POST /v1/datasets)");
    byte[] data = DemoData.chats().getBytes(StandardCharsets.UTF_8);
    String fileId =
        in(
            "dataset-service",
            () -> {
              for (JsonNode f : client.get("/v1/files?limit=100").path("data")) {
                if (FILE_NAME.equals(f.path("filename").asText())
                    && f.path("bytes").asLong() == data.length
                    && "processed".equals(f.path("status").asText())) {
                  System.out.println("  reusing " + f.get("id").asText() + " (" + FILE_NAME + ")");
                  return f.get("id").asText();
                }
              }
              JsonNode file = upload(FILE_NAME, data);
              System.out.printf(
                  "  uploaded %s: %s, %d bytes, %d valid records%n",
                  file.get("id").asText(),
                  file.path("status").asText(),
                  file.path("bytes").asLong(),
                  file.at("/validation/valid_records").asLong());
              return file.get("id").asText();
            });
    return in(
        "dataset-service",
        () -> {
          JsonNode version =
              client.post(
                  "/v1/datasets",
                  Map.of(
                      "name",
                      DATASET,
                      "training_files",
                      List.of(fileId),
                      "options",
                      Map.of("validation_ratio", 0.1, "pii", "redact", "near_dedup", true)));
          JsonNode counts = version.at("/manifest/metadata/counts");
          String ref = version.get("name").asText() + "@" + version.get("version").asText();
          System.out.printf(
              "  %s (%s): %d train, %d validation, %d dropped%n",
              ref,
              version.path("created").asBoolean() ? "new version" : "identical version reused",
              counts.path("train").asLong(),
              counts.path("validation").asLong(),
              counts.path("dropped").asLong());
          return ref;
        });
  }

  /** The regression suite the gate checks the format with (stored once; same content, same ref). */
  private String suite() {
    Map<String, Object> suite = new LinkedHashMap<>();
    suite.put("name", SUITE);
    // Four held-out questions, checked for the exact answer. 0.75: the LoRA run of the same task
    // in HeldOutExactMatchTest reaches 80% on unseen triples, not 100%. The retention allowance is
    // 1 nat instead of 0.1: adapting every projection of a 128-wide model moves it on its own
    // corpus
    // more than a large model would; the summary prints the measured rise either way.
    suite.put("gate", Map.of("min_suite_pass_rate", 0.75, "max_retention_loss_increase", 1.0));
    List<Map<String, Object>> cases = new java.util.ArrayList<>();
    for (int i = 2; i < 6; i++) {
      String[] t = DemoData.heldOut().get(i);
      cases.add(
          suiteCase("held-out-" + (i - 1), DemoData.question(t), "exact", DemoData.answer(t)));
    }
    suite.put("cases", cases);
    return in(
        "evaluator-service", () -> client.post("/v1/evaluation/suites", suite).get("ref").asText());
  }

  private static Map<String, Object> suiteCase(String id, String prompt, String type, String v) {
    return Map.of("id", id, "prompt", prompt, "expect", Map.of("type", type, "value", v));
  }

  /** The succeeded (or still running) job with these exact inputs, else a new one. */
  private JsonNode job(String datasetRef, String suiteRef) {
    step("4/7 LoRA fine-tuning job: POST /v1/fine_tuning/jobs");
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("model", BASE_MODEL);
    body.put("training_file", datasetRef);
    body.put("suffix", SUFFIX);
    body.put("seed", 7);
    body.put(
        "hyperparameters", Map.of("n_epochs", 8, "batch_size", 8, "learning_rate_multiplier", 25));
    body.put(
        "tuneforge",
        Map.of(
            "adapter",
            "lora",
            "lora_r",
            8,
            "lora_alpha",
            16,
            "lora_dropout",
            0.05,
            "lora_target_modules",
            List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"),
            "sequence_len",
            64,
            "evaluation_suite",
            suiteRef));
    String marker =
        in(
            "cli",
            () ->
                Sha256.of(
                        // keys sorted: Map.of's order changes from one JVM to the next
                        json.copy()
                            .configure(
                                com.fasterxml.jackson.databind.SerializationFeature
                                    .ORDER_MAP_ENTRIES_BY_KEYS,
                                true)
                            .writeValueAsBytes(body))
                    .substring(0, 16));
    body.put("metadata", Map.of("tuneforge_demo", marker));
    return in(
        "trainer-service",
        () -> {
          JsonNode list =
              client.get(
                  "/v1/fine_tuning/jobs?limit=100&"
                      + URLEncoder.encode("metadata[tuneforge_demo]", StandardCharsets.UTF_8)
                      + "="
                      + marker);
          for (JsonNode j : list.path("data")) {
            String status = j.path("status").asText();
            if (List.of("succeeded", "running", "queued", "validating_files").contains(status)) {
              System.out.printf(
                  "  reusing %s (%s; same dataset version and settings, metadata"
                      + " tuneforge_demo=%s)%n",
                  j.get("id").asText(), status, marker);
              return j;
            }
          }
          JsonNode j = client.post("/v1/fine_tuning/jobs", body);
          System.out.printf(
              "  created %s on %s with %s: LoRA r=8 on every projection, 8 epochs, batch 8, lr 5e-3, sequence 64%n",
              j.get("id").asText(), BASE_MODEL, datasetRef);
          return j;
        });
  }

  /** Follows the job's SSE stream until it ends; returns {first loss, last loss}. */
  private double[] follow(String jobId) {
    step("5/7 training: GET /v1/fine_tuning/jobs/" + jobId + "/events?stream=true");
    ProgressBar bar = new ProgressBar(System.out, System.console() != null);
    JobWatch.Seen seen = in("trainer-service", () -> JobWatch.follow(client, jobId, timeout, bar));
    return new double[] {seen.firstLoss(), seen.lastLoss()};
  }

  /** Waits for the evaluation the evaluator starts by itself on TrainingCompleted. */
  private JsonNode evaluation(String jobId) {
    step("6/7 automatic evaluation and registration");
    System.out.println("  waiting for GET /v1/evaluations?job_id=" + jobId);
    JsonNode e =
        poll(
            "evaluator-service",
            () -> {
              JsonNode data = client.get("/v1/evaluations?job_id=" + jobId).path("data");
              return data.size() > 0 ? data.get(0) : null;
            });
    if ("failed".equals(e.path("status").asText())) {
      throw new StepFailure(
          "evaluator-service",
          "evaluation " + e.path("id").asText() + " failed: " + e.at("/error/message").asText());
    }
    System.out.println(
        "  "
            + e.get("id").asText()
            + ": "
            + (e.path("passed").asBoolean() ? "passed" : "failed the gate"));
    return e;
  }

  /** Waits until the registry shows the job's version with the evaluation's outcome applied. */
  private JsonNode registration(String ftModel, JsonNode evaluation) {
    System.out.println("  waiting for GET /v1/registry/adapters/" + SUFFIX + " to list " + ftModel);
    JsonNode summary =
        poll(
            "registry-service",
            () -> {
              JsonNode a;
              try {
                a = client.get("/v1/registry/adapters/" + SUFFIX);
              } catch (IllegalStateException notYet) {
                if (notYet.getMessage().contains(" answered 404")) {
                  return null;
                }
                throw notYet;
              }
              for (JsonNode v : a.path("versions")) {
                if (ftModel.equals(v.path("fine_tuned_model").asText())
                    && !v.path("evaluation_passed").isNull()) {
                  return v;
                }
              }
              return null;
            });
    String v = summary.get("version").asText();
    return in(
        "registry-service",
        () -> {
          JsonNode version = client.get("/v1/registry/adapters/" + SUFFIX + "/versions/" + v);
          ((com.fasterxml.jackson.databind.node.ObjectNode) version)
              .set(
                  "lineage",
                  client.get("/v1/registry/adapters/" + SUFFIX + "/versions/" + v + "/lineage"));
          return version;
        });
  }

  private void summary(String datasetRef, double[] losses, JsonNode eval, JsonNode version) {
    step("summary");
    String[] ref = datasetRef.split("@");
    JsonNode ds =
        in("dataset-service", () -> client.get("/v1/datasets/" + ref[0] + "/versions/" + ref[1]));
    JsonNode counts = ds.at("/manifest/metadata/counts");
    System.out.printf(
        "dataset %s: %d train, %d validation, %d dropped%n",
        datasetRef,
        counts.path("train").asLong(),
        counts.path("validation").asLong(),
        counts.path("dropped").asLong());
    for (JsonNode rule : ds.at("/report/rules")) {
      if (rule.path("enabled").asBoolean()) {
        System.out.printf(
            "  %-12s dropped %4d, changed %4d%n",
            rule.get("rule").asText(),
            rule.path("dropped").asLong(),
            rule.path("changed").asLong());
      }
    }
    System.out.printf(
        Locale.ROOT,
        "training loss: %.4f at the start, %.4f at the end (%s steps, %s tokens)%n",
        losses[0],
        losses[1],
        version.at("/training/steps").asText(),
        version.at("/training/trained_tokens").asText());
    System.out.printf("%-24s %12s %12s%n", "metric", "base", "tuned");
    JsonNode base = eval.path("base_metrics");
    JsonNode tuned = eval.path("metrics");
    for (Iterator<String> it = tuned.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      System.out.printf(
          Locale.ROOT, "  %-22s %12s %12s%n", k, number(base.get(k)), number(tuned.get(k)));
    }
    System.out.println(
        "gate: " + (eval.path("passed").asBoolean() ? "PASSED" : "FAILED") + reasons(eval));
    System.out.println("fine-tuned model: " + version.path("fine_tuned_model").asText());
    System.out.println(
        "registry: "
            + version.path("id").asText()
            + ", stage "
            + version.path("stage").asText()
            + (version.path("aliases").size() > 0 ? ", aliases " + version.path("aliases") : ""));
    JsonNode l = version.path("lineage");
    System.out.printf(
        "lineage: base %s@%s -> dataset %s@%s (sha256 %s) -> job %s -> evaluation %s%n",
        l.at("/base/model").asText(),
        l.at("/base/revision").asText(),
        l.at("/dataset/name").asText(),
        l.at("/dataset/version").asText(),
        abbreviate(l.at("/dataset/sha256").asText()),
        l.at("/job/id").asText(),
        l.at("/evaluation/id").asText("-"));
  }

  private static String reasons(JsonNode eval) {
    if (eval.path("reasons").size() == 0) {
      return " (every condition held)";
    }
    StringBuilder sb = new StringBuilder();
    for (JsonNode r : eval.path("reasons")) {
      sb.append("\n  - ").append(r.isTextual() ? r.asText() : r.toString());
    }
    return sb.toString();
  }

  private static String number(JsonNode n) {
    if (n == null || n.isNull()) {
      return "-";
    }
    return n.isNumber() ? String.format(Locale.ROOT, "%.4f", n.asDouble()) : n.asText();
  }

  private static String abbreviate(String sha) {
    return sha.length() > 12 ? sha.substring(0, 12) : sha;
  }

  private void chat(String ftModel) {
    step("7/7 the same prompts to both models: POST /v1/chat/completions");
    for (String prompt : PROMPTS) {
      System.out.println("> " + prompt);
      for (String[] m :
          List.of(new String[] {"base", BASE_MODEL}, new String[] {"tuned", ftModel})) {
        String answer =
            in(
                "evaluator-service",
                () ->
                    client
                        .post(
                            "/v1/chat/completions",
                            Map.of(
                                "model",
                                m[1],
                                "messages",
                                List.of(Map.of("role", "user", "content", prompt)),
                                "temperature",
                                0,
                                "max_tokens",
                                24))
                        .at("/choices/0/message/content")
                        .asText());
        System.out.println(m[0] + ": " + answer.strip());
      }
    }
  }

  private JsonNode upload(String filename, byte[] content) throws Exception {
    String boundary = "tuneforge-" + UUID.randomUUID();
    byte[] head =
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nfine-tune\r\n--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + filename
                + "\"\r\n"
                + "Content-Type: application/jsonl\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8);
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[head.length + content.length + tail.length];
    System.arraycopy(head, 0, body, 0, head.length);
    System.arraycopy(content, 0, body, head.length, content.length);
    System.arraycopy(tail, 0, body, head.length + content.length, tail.length);
    return client.send(
        client
            .request("/v1/files")
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build());
  }

  interface Action<T> {
    T run() throws Exception;
  }

  interface VoidAction {
    void run() throws Exception;
  }

  /** Runs one step against {@code service}; any failure becomes a {@link StepFailure} naming it. */
  private static <T> T in(String service, Action<T> action) {
    try {
      return action.run();
    } catch (StepFailure e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StepFailure(service, "interrupted");
    } catch (Exception e) {
      throw new StepFailure(service, String.valueOf(e.getMessage()));
    }
  }

  private static void in(String service, VoidAction action) {
    in(
        service,
        () -> {
          action.run();
          return null;
        });
  }

  /** Polls {@code check} every second until it answers non-null or the timeout passes. */
  private <T> T poll(String service, Action<T> check) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      T t = in(service, check);
      if (t != null) {
        return t;
      }
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StepFailure(service, "interrupted");
      }
    }
    throw new StepFailure(service, "no answer within " + timeout.toSeconds() + " s");
  }

  private static void step(String s) {
    System.out.println();
    System.out.println("== " + s);
  }
}
