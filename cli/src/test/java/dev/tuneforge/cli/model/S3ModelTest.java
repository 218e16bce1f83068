package dev.tuneforge.cli.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.artifact.ManifestEntry;
import dev.tuneforge.cli.TuneForge;
import dev.tuneforge.stack.LocalStack;
import dev.tuneforge.stack.StackSettings;
import dev.tuneforge.storage.ObjectStore;
import dev.tuneforge.storage.S3Settings;
import dev.tuneforge.storage.artifact.ArtifactStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A model published to the real embedded S3 server with {@code model publish} scores exactly as the
 * local folder; a second fetch is served from the blob cache; a prefix without a manifest is
 * refused.
 */
class S3ModelTest {

  @TempDir Path dir;

  @Test
  void scoresAModelPublishedToS3() throws Exception {
    Path local = Path.of("../libs/llm/src/test/resources/reference/llama3-bf16");
    try (LocalStack stack =
        LocalStack.start(StackSettings.defaults(dir.resolve("stack")).withFreePorts())) {
      Map<String, String> c = stack.serviceConfig();
      System.setProperty("tuneforge.s3.endpoint", c.get("tuneforge.s3.endpoint"));
      System.setProperty("tuneforge.home", dir.toString());
      try (ObjectStore store =
          ObjectStore.connect(
              new S3Settings(
                  c.get("tuneforge.s3.endpoint"),
                  c.get("tuneforge.s3.access-key"),
                  c.get("tuneforge.s3.secret-key"),
                  c.get("tuneforge.s3.bucket")))) {
        String published = run("model", "publish", local.toString(), "--name", "llama3");
        assertTrue(published.contains("to s3://tuneforge/models/llama3/main/"), published);

        JsonNode expected =
            new ObjectMapper().readTree(Files.readString(local.resolve("expected.json")));
        JsonNode sequence =
            expected.get("sequences") != null ? expected.get("sequences").get(0) : null;
        String ids =
            sequence == null
                ? "1,2,3,4"
                : String.join(
                    ",",
                    StreamSupport.stream(sequence.get("ids").spliterator(), false)
                        .map(JsonNode::asText)
                        .toList());
        String fromS3 = score("s3://tuneforge/models/llama3/main/", ids);
        String fromDisk = score(local.toString(), ids);
        assertEquals(fromDisk, fromS3);
        assertTrue(
            Files.exists(
                dir.resolve(".tuneforge/cache/models/tuneforge/models/llama3/main/config.json")));

        // Second fetch: with the files gone from the bucket (manifest kept) it still works, from
        // the cache.
        var manifest = new ArtifactStore(store).manifest("models/llama3/main/");
        for (ManifestEntry e : manifest.files()) {
          store.delete("models/llama3/main/" + e.path());
        }
        assertEquals(fromDisk, score("s3://tuneforge/models/llama3/main/", ids));

        // Files without a manifest are not a model.
        store.putFile("models/half/main/config.json", local.resolve("config.json"));
        String err =
            fails("model", "score", "--model", "s3://tuneforge/models/half/main/", "--ids", ids);
        assertTrue(err.contains("no artifact at s3://tuneforge/models/half/main/"), err);
        String bad = fails("model", "publish", local.toString(), "--name", "a//b");
        assertTrue(bad.contains("invalid model name 'a//b'"), bad);
      } finally {
        System.clearProperty("tuneforge.s3.endpoint");
        System.clearProperty("tuneforge.home");
      }
    }
  }

  private static String score(String model, String ids) {
    return run("model", "score", "--model", model, "--ids", ids);
  }

  private static String run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new TuneForge());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    assertEquals(0, code, err.toString());
    return out.toString();
  }

  private static String fails(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new TuneForge());
    cli.setOut(new PrintWriter(new StringWriter()));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    assertTrue(code != 0, "expected a failure of " + String.join(" ", args));
    return err.toString();
  }
}
