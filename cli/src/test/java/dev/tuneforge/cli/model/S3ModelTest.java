package dev.tuneforge.cli.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.cli.TuneForge;
import dev.tuneforge.stack.LocalStack;
import dev.tuneforge.stack.StackSettings;
import dev.tuneforge.storage.ObjectStore;
import dev.tuneforge.storage.S3Settings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A model stored under an S3 prefix (the real embedded S3 server) scores exactly as the local folder. */
class S3ModelTest {

  @TempDir Path dir;

  @Test
  void scoresAModelReadFromAnS3Prefix() throws Exception {
    Path local = Path.of("../libs/llm/src/test/resources/reference/llama3-bf16");
    try (LocalStack stack = LocalStack.start(StackSettings.defaults(dir.resolve("stack")).withFreePorts())) {
      Map<String, String> c = stack.serviceConfig();
      try (ObjectStore store = ObjectStore.connect(new S3Settings(c.get("tuneforge.s3.endpoint"),
          c.get("tuneforge.s3.access-key"), c.get("tuneforge.s3.secret-key"), c.get("tuneforge.s3.bucket")))) {
        try (Stream<Path> files = Files.list(local)) {
          for (Path f : files.toList()) {
            store.putFile("models/llama3/" + f.getFileName(), f);
          }
        }
      }
      System.setProperty("tuneforge.s3.endpoint", c.get("tuneforge.s3.endpoint"));
      System.setProperty("tuneforge.home", dir.toString());
      try {
        JsonNode expected = new ObjectMapper().readTree(Files.readString(local.resolve("expected.json")));
        JsonNode sequence = expected.get("sequences") != null ? expected.get("sequences").get(0) : null;
        String ids = sequence == null ? "1,2,3,4" : String.join(",",
            StreamSupport.stream(sequence.get("ids").spliterator(), false).map(JsonNode::asText).toList());
        String fromS3 = score("s3://tuneforge/models/llama3/", ids);
        String fromDisk = score(local.toString(), ids);
        assertEquals(fromDisk, fromS3);
        assertTrue(Files.exists(dir.resolve(".tuneforge/cache/models/tuneforge/models/llama3/config.json")));
      } finally {
        System.clearProperty("tuneforge.s3.endpoint");
        System.clearProperty("tuneforge.home");
      }
    }
  }

  private static String score(String model, String ids) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new TuneForge());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute("model", "score", "--model", model, "--ids", ids);
    assertEquals(0, code, err.toString());
    return out.toString();
  }
}
