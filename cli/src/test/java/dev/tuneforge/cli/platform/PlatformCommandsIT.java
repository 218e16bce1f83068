package dev.tuneforge.cli.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.artifact.Sha256;
import dev.tuneforge.cli.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client commands against the real dataset-service (which also serves {@code /v1/keys}) and
 * registry-service on the real embedded broker and S3 server: what they send is what the services
 * accept, what they print is what they answered, {@code --output json} is the server's JSON
 * unchanged, and a refusal prints the service's message and {@code param} with exit code 1.
 * (trainer- and evaluator-service cannot run here: their own tests depend on this module, so the
 * reactor builds them after it. Their commands are covered by unit tests on the responses' shapes.)
 */
class PlatformCommandsIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path CHATS = Path.of("../examples/data/arithmetic-chat.jsonl");

  @TempDir static Path dir;
  static RealPlatform platform;

  @BeforeAll
  static void start() throws Exception {
    platform =
        RealPlatform.start(
            dir, java.util.Map.of("dataset-service", "384m", "registry-service", "512m"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (platform != null) {
      platform.close();
    }
  }

  /** {@code tuneforge args... --url <dataset-service> --api-key <admin>}. */
  private static Cli tf(String... args) {
    return on("dataset-service", args);
  }

  private static Cli on(String service, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--url");
    all.add(platform.url(service).toString());
    all.add("--api-key");
    all.add(platform.adminKey);
    return Cli.run(all.toArray(String[]::new));
  }

  private static String ok(Cli r) {
    assertEquals(0, r.code(), r.toString());
    return r.out();
  }

  private static String id(String text, String prefix) {
    Matcher m = Pattern.compile(prefix + "[A-Za-z0-9]+").matcher(text);
    assertTrue(m.find(), "no " + prefix + " id in: " + text);
    return m.group();
  }

  @Test
  void filesAndDatasetsRoundTripThroughTheRealService() throws Exception {
    String uploaded = ok(tf("files", "upload", CHATS.toString()));
    String fileId = id(uploaded, "file-");
    assertTrue(uploaded.contains("processed: 240 valid records of 240 lines"), uploaded);

    // --output json is the server's own answer, byte for byte
    assertEquals(
        platform.get("dataset-service", "/v1/files/" + fileId).strip(),
        ok(tf("files", "show", fileId, "--output", "json")).strip());
    String shown = ok(tf("files", "show", fileId));
    assertTrue(shown.contains(Sha256.of(CHATS)), shown);
    assertTrue(ok(tf("files", "list")).lines().anyMatch(l -> l.startsWith(fileId + " ")));
    JsonNode listed = JSON.readTree(ok(tf("files", "list", "-o", "json", "--limit", "1")));
    assertEquals(fileId, listed.at("/data/0/id").asText());

    String created =
        ok(
            tf(
                "datasets",
                "create",
                "arith",
                "--file",
                fileId,
                "--option",
                "validation_ratio=0.1",
                "--option",
                "near_dedup=true"));
    assertTrue(created.contains("(new version)"), created);
    String ref = created.substring(0, created.indexOf(' '));
    JsonNode version =
        JSON.readTree(
            platform.get("dataset-service", "/v1/datasets/arith/versions/" + ref.split("@")[1]));
    JsonNode counts = version.at("/manifest/metadata/counts");
    long train = counts.path("train").asLong();
    assertEquals(
        240,
        train + counts.path("validation").asLong() + counts.path("dropped").asLong(),
        counts.toString());
    assertTrue(created.contains(train + " train"), created);
    String again =
        ok(
            tf(
                "datasets",
                "create",
                "arith",
                "--file",
                fileId,
                "--option",
                "validation_ratio=0.1",
                "--option",
                "near_dedup=true"));
    assertTrue(again.startsWith(ref + " (identical version reused)"), again);

    assertTrue(ok(tf("datasets", "list")).contains("arith"), "list");
    assertTrue(ok(tf("datasets", "show", "arith")).contains("  " + ref));
    String report = ok(tf("datasets", "show", ref));
    assertTrue(report.contains("RULE") && report.contains(train + " train"), report);
    String preview = ok(tf("datasets", "preview", ref, "--limit", "2"));
    assertTrue(preview.contains("#2") && !preview.contains("#3"), preview);
    assertTrue(preview.contains("user: What is "), preview);
    JsonNode previewJson =
        JSON.readTree(ok(tf("datasets", "preview", ref, "--limit", "2", "-o", "json")));
    assertEquals(2, previewJson.path("data").size());

    assertTrue(ok(tf("files", "delete", fileId)).contains("deleted " + fileId));
    Cli gone = tf("files", "show", fileId);
    assertEquals(1, gone.code(), gone.toString());
    assertEquals(
        "tuneforge: GET /v1/files/"
            + fileId
            + " answered 404: no file '"
            + fileId
            + "' (param:"
            + " file_id)",
        gone.err().strip());
  }

  @Test
  void aFileWithBadLinesIsReportedByLineAndFails() throws Exception {
    Path bad = dir.resolve("bad.jsonl");
    Files.writeString(
        bad,
        "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"yo\"}]}\n"
            + "{not json\n");
    Cli r = tf("files", "upload", bad.toString());
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.out().contains("  error: 1 valid records of 2 lines"), r.out());
    assertTrue(r.out().contains("  line 2: "), r.out());
  }

  @Test
  void aRefusedRequestPrintsTheServersMessageAndParamWithExitCode1() {
    Cli r = tf("datasets", "create", "x", "--file", "file-doesnotexist", "--option", "pii=maybe");
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.err().startsWith("tuneforge: POST /v1/datasets answered 400: "), r.err());
    assertTrue(r.err().contains("(param: "), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  @Test
  void keysWorkOnTheSharedClientAndAWrongKeyIsRefused() throws Exception {
    String created =
        ok(tf("keys", "create", "--team", "research", "--role", "viewer", "--name", "ci"));
    String secret = created.strip().lines().reduce((a, b) -> b).orElseThrow();
    String keyId = id(created, "key-");
    assertTrue(ok(tf("keys", "list", "--limit", "100")).contains(keyId));

    // a viewer may read (its own team's empty list) but not upload
    Cli asViewer =
        Cli.run(
            "files",
            "list",
            "--url",
            platform.url("dataset-service").toString(),
            "--api-key",
            secret,
            "-o",
            "json");
    assertEquals(0, asViewer.code(), asViewer.toString());
    assertEquals(0, JSON.readTree(asViewer.out()).path("data").size());
    Cli upload =
        Cli.run(
            "files",
            "upload",
            CHATS.toString(),
            "--url",
            platform.url("dataset-service").toString(),
            "--api-key",
            secret);
    assertEquals(1, upload.code(), upload.toString());
    assertTrue(upload.err().contains("answered 403"), upload.err());

    Cli wrong =
        Cli.run(
            "files",
            "list",
            "--url",
            platform.url("dataset-service").toString(),
            "--api-key",
            "tf-wrong");
    assertEquals(1, wrong.code(), wrong.toString());
    assertTrue(wrong.err().startsWith("tuneforge: GET /v1/files answered 401: "), wrong.err());
  }

  @Test
  void anUnreachableServerIsExitCode1WithTheUrl() {
    Cli r = Cli.run("files", "list", "--url", "http://127.0.0.1:9", "--api-key", "k");
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.err().contains("not reachable at http://127.0.0.1:9"), r.err());
  }

  private static final Path REFERENCE_MODEL =
      Path.of("../libs/llm/src/test/resources/reference/llama3-bf16");
  private static final List<String> S3_KEYS =
      List.of(
          "tuneforge.s3.endpoint",
          "tuneforge.s3.access-key",
          "tuneforge.s3.secret-key",
          "tuneforge.s3.bucket");

  /** {@code models import DIR --name N} uploading to the test's S3 server (as TUNEFORGE_S3_*). */
  private static Cli importModel(Path model, String name) {
    for (String k : S3_KEYS) {
      System.setProperty(k, platform.stackConfig.get(k));
    }
    try {
      return on("registry-service", "models", "import", model.toString(), "--name", name);
    } finally {
      S3_KEYS.forEach(System::clearProperty);
    }
  }

  /** A copy of the reference model that {@code spoil} damages, to be refused by the registry. */
  private static Path spoiledCopy(String name, java.util.function.Consumer<Path> spoil)
      throws Exception {
    Path copy = Files.createDirectories(dir.resolve(name));
    try (var files = Files.list(REFERENCE_MODEL)) {
      for (Path f : files.toList()) {
        Files.copy(f, copy.resolve(f.getFileName()));
      }
    }
    spoil.accept(copy);
    return copy;
  }

  @Test
  void modelsImportUploadsRegistersAndListsTheModel() throws Exception {
    String imported = ok(importModel(REFERENCE_MODEL, "tiny-llama"));
    assertTrue(imported.contains("to s3://tuneforge/models/tiny-llama/main/"), imported);
    assertTrue(imported.contains("imported tiny-llama"), imported);
    assertTrue(imported.contains("owned by system"), imported); // an admin imports for all
    String listed = ok(on("registry-service", "models", "list"));
    assertTrue(listed.lines().anyMatch(l -> l.matches("tiny-llama +system +\\S+")), listed);
    assertEquals(
        platform.get("registry-service", "/v1/models").strip(),
        ok(on("registry-service", "models", "list", "-o", "json")).strip());
  }

  @Test
  void modelsImportOfAFolderWithAMissingTensorFailsNamingTheFileAndTheTensor() throws Exception {
    // The config promises three layers; the weights have two.
    Path model =
        spoiledCopy(
            "three-layers",
            d -> {
              try {
                Path config = d.resolve("config.json");
                JsonNode c = JSON.readTree(config.toFile());
                ((com.fasterxml.jackson.databind.node.ObjectNode) c).put("num_hidden_layers", 3);
                Files.writeString(config, c.toString());
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    Cli r = importModel(model, "three-layers");
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.err().contains("rejected"), r.err());
    assertTrue(r.err().contains("model.safetensors"), r.err());
    assertTrue(r.err().contains("model.layers.2.self_attn.q_proj.weight"), r.err());
    assertTrue(!ok(on("registry-service", "models", "list")).contains("three-layers"));
  }

  @Test
  void modelsImportOfAFolderWithALyingSafetensorsHeaderFailsNamingTheFileAndTheTensor()
      throws Exception {
    // The header still lists every tensor's offsets; the data it promises is 64 bytes short.
    Path model =
        spoiledCopy(
            "liar",
            d -> {
              try {
                Path weights = d.resolve("model.safetensors");
                byte[] bytes = Files.readAllBytes(weights);
                Files.write(weights, java.util.Arrays.copyOf(bytes, bytes.length - 64));
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    Cli r = importModel(model, "liar");
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.err().contains("model.safetensors"), r.err());
    assertTrue(r.err().contains("(the file is truncated): tensor \"model."), r.err());
    assertTrue(!ok(on("registry-service", "models", "list")).contains("liar"));
  }

  @Test
  void theRegistryCommandsReadAndAreRefusedByTheRealRegistry() throws Exception {
    assertEquals(
        "NAME  BASE MODEL  LATEST  ALIASES  CREATED",
        ok(on("registry-service", "adapters", "list")).strip());
    assertEquals(
        platform.get("registry-service", "/v1/registry/adapters").strip(),
        ok(on("registry-service", "adapters", "list", "-o", "json")).strip());
    Cli missing = on("registry-service", "adapters", "show", "nope", "3");
    assertEquals(1, missing.code(), missing.toString());
    assertEquals(
        "tuneforge: GET /v1/registry/adapters/nope/versions/3 answered 404: no adapter 'nope'"
            + " (param: name)",
        missing.err().strip());
    Cli badStage = on("registry-service", "adapters", "list", "--stage", "gold");
    assertEquals(1, badStage.code(), badStage.toString());
    assertTrue(badStage.err().contains("(param: stage)"), badStage.err());
  }
}
