package dev.tuneforge.cli.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jobs create}: the request file first, each flag replacing its field. */
class JobRequestTest {

  @TempDir Path dir;

  @Test
  void flagsReplaceTheFilesFieldsAndKeepTheRest() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("job.yaml"),
            """
            model: tuneforge-demo-base
            training_file: chats@v1
            hyperparameters: {n_epochs: 3, batch_size: 4}
            tuneforge:
              adapter: lora
              lora_r: 8
            """);
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("lora_r", "16");
    settings.put("lr_scheduler", "cosine");
    settings.put("lora_dropout", "0.05");
    var body =
        JobRequest.read(file)
            .set("training_file", "chats@v2")
            .set("suffix", null) // an absent flag changes nothing
            .set("hyperparameters", "n_epochs", 5)
            .set("tuneforge", "evaluation_suite", "smoke")
            .setAll("tuneforge", settings, true)
            .setAll("metadata", Map.of("run", "42"), false)
            .body();
    assertEquals(
        new ObjectMapper()
            .readTree(
                "{\"model\":\"tuneforge-demo-base\",\"training_file\":\"chats@v2\","
                    + "\"hyperparameters\":{\"n_epochs\":5,\"batch_size\":4},"
                    + "\"tuneforge\":{\"adapter\":\"lora\",\"lora_r\":16,"
                    + "\"evaluation_suite\":\"smoke\",\"lr_scheduler\":\"cosine\","
                    + "\"lora_dropout\":0.05},\"metadata\":{\"run\":\"42\"}}")
            .toString(),
        body.toString());
  }

  @Test
  void aJsonRequestFileWorksToo() throws Exception {
    Path file =
        Files.writeString(dir.resolve("job.json"), "{\"model\":\"m\",\"training_file\":\"d\"}");
    assertTrue(JobRequest.read(file).has("training_file"));
  }

  @Test
  void aBrokenFileIsNamedWithItsLine() throws Exception {
    Path file =
        Files.writeString(dir.resolve("job.yaml"), "model: m\ntraining_file: [a\nseed: 1\n");
    var e = assertThrows(IllegalArgumentException.class, () -> JobRequest.read(file));
    assertTrue(e.getMessage().startsWith(file + ": line "), e.getMessage());
    assertTrue(e.getMessage().contains("not valid YAML or JSON"), e.getMessage());
  }

  @Test
  void aFileThatIsNotAMappingIsRefused() throws Exception {
    Path file = Files.writeString(dir.resolve("job.yaml"), "- model: m\n");
    var e = assertThrows(IllegalArgumentException.class, () -> JobRequest.read(file));
    assertEquals(
        file + ": expected a mapping of the job's fields (model, training_file, …)",
        e.getMessage());
  }

  @Test
  void aFlagCannotGoIntoAFieldThatIsNotAMapping() throws Exception {
    Path file = Files.writeString(dir.resolve("job.yaml"), "model: m\nhyperparameters: auto\n");
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> JobRequest.read(file).set("hyperparameters", "n_epochs", 2));
    assertTrue(e.getMessage().contains("'hyperparameters'"), e.getMessage());
  }
}
