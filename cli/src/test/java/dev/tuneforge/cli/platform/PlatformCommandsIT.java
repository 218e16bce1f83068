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
 * The client commands against the real dataset-service (which also serves {@code /v1/keys}) on the
 * real embedded broker and S3 server: what they send is what the service accepts, what they print
 * is what it answered, {@code --output json} is the server's JSON unchanged, and a refusal prints
 * the service's message and {@code param} with exit code 1.
 */
class PlatformCommandsIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path CHATS = Path.of("../examples/data/arithmetic-chat.jsonl");

  @TempDir static Path dir;
  static RealDatasetService service;

  @BeforeAll
  static void start() throws Exception {
    service = RealDatasetService.start(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    if (service != null) {
      service.close();
    }
  }

  private static Cli tf(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--url");
    all.add(service.url.toString());
    all.add("--api-key");
    all.add(service.adminKey);
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
        service.get("/v1/files/" + fileId).strip(),
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
        JSON.readTree(service.get("/v1/datasets/arith/versions/" + ref.split("@")[1]));
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
            "files", "list", "--url", service.url.toString(), "--api-key", secret, "-o", "json");
    assertEquals(0, asViewer.code(), asViewer.toString());
    assertEquals(0, JSON.readTree(asViewer.out()).path("data").size());
    Cli upload =
        Cli.run(
            "files",
            "upload",
            CHATS.toString(),
            "--url",
            service.url.toString(),
            "--api-key",
            secret);
    assertEquals(1, upload.code(), upload.toString());
    assertTrue(upload.err().contains("answered 403"), upload.err());

    Cli wrong = Cli.run("files", "list", "--url", service.url.toString(), "--api-key", "tf-wrong");
    assertEquals(1, wrong.code(), wrong.toString());
    assertTrue(wrong.err().startsWith("tuneforge: GET /v1/files answered 401: "), wrong.err());
  }

  @Test
  void anUnreachableServerIsExitCode1WithTheUrl() {
    Cli r = Cli.run("files", "list", "--url", "http://127.0.0.1:9", "--api-key", "k");
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.err().contains("not reachable at http://127.0.0.1:9"), r.err());
  }
}
