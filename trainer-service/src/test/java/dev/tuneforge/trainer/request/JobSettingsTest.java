package dev.tuneforge.trainer.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.llm.train.job.JobConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mapping of OpenAI's and TuneForge's request fields onto tuneforge train's job config. */
class JobSettingsTest {

  static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode json(String s) throws Exception {
    return JSON.readTree(s);
  }

  static JobSettings.Resolved resolve(String hp, String tf, long records) throws Exception {
    return JobSettings.resolve(
        hp == null ? null : json(hp),
        "hyperparameters",
        tf == null ? null : json(tf),
        3,
        records,
        512);
  }

  @Test
  void autoValuesFollowTheDatasetSize() throws Exception {
    Map<String, Object> small = resolve(null, null, 8).config();
    assertEquals(10, small.get("num_epochs")); // ceil(300 / 8) capped at 10
    assertEquals(1, small.get("micro_batch_size"));
    assertEquals(2e-4, small.get("learning_rate"));
    Map<String, Object> large = resolve("{\"n_epochs\":\"auto\"}", null, 3000).config();
    assertEquals(1, large.get("num_epochs"));
    assertEquals(6, large.get("micro_batch_size")); // ceil(3000 / 500)
    assertEquals(512, large.get("sequence_len"));
  }

  @Test
  void theMultiplierScalesTheMethodsBaseLearningRate() throws Exception {
    var lora = resolve("{\"learning_rate_multiplier\":2}", null, 8);
    assertEquals(4e-4, (double) lora.config().get("learning_rate"), 1e-15);
    var full = resolve("{\"learning_rate_multiplier\":2}", "{\"adapter\":\"full\"}", 8);
    assertEquals("full", full.method());
    assertEquals(4e-5, (double) full.config().get("learning_rate"), 1e-15);
    assertEquals(
        2.0,
        (double)
            JobSettings.openAiHyperparameters("full", full.config())
                .get("learning_rate_multiplier"),
        1e-12);
  }

  @Test
  void errorsNameTheRequestField() {
    var e =
        assertThrows(
            JobSettings.SettingsException.class, () -> resolve("{\"n_epochs\":0}", null, 8));
    assertEquals("hyperparameters.n_epochs", e.error().param());
    assertTrue(e.error().message().contains(">= 1"), e.error().message());
    e =
        assertThrows(
            JobSettings.SettingsException.class,
            () -> resolve(null, "{\"lora_target_modules\":[\"q_proj\", 3]}", 8));
    assertEquals("tuneforge.lora_target_modules[1]", e.error().param());
    e =
        assertThrows(
            JobSettings.SettingsException.class, () -> resolve(null, "{\"eval_steps\":-2}", 8));
    assertEquals("tuneforge.eval_steps", e.error().param());
    e =
        assertThrows(
            JobSettings.SettingsException.class, () -> resolve(null, "{\"output_dir\":\"/x\"}", 8));
    assertEquals("tuneforge.output_dir", e.error().param());
  }

  @Test
  void theSuiteIsKeptApartFromTheTrainingSettings() throws Exception {
    var r = resolve(null, "{\"evaluation_suite\":\"smoke@v2\",\"lora_r\":16}", 8);
    assertEquals("smoke@v2", r.suite());
    assertNull(r.config().get("evaluation_suite"));
    assertEquals(16, r.config().get("lora_r"));
  }

  /** The worker's config is the same settings plus the fetched files, checked on disk. */
  @Test
  void theRunConfigIsTheSameSettingsWithTheFetchedPaths(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("base"));
    Files.writeString(dir.resolve("train.jsonl"), "");
    Files.writeString(dir.resolve("validation.jsonl"), "");
    var r = resolve("{\"n_epochs\":2,\"batch_size\":3}", "{\"lora_r\":4,\"adapter\":\"qlora\"}", 8);
    JobConfig c =
        JobSettings.forRun(
            r.config(),
            dir.resolve("base"),
            dir.resolve("train.jsonl"),
            dir.resolve("validation.jsonl"),
            dir.resolve("out"));
    assertEquals(JobConfig.Adapter.QLORA, c.adapter());
    assertEquals(4, c.loraR());
    assertEquals(2, c.numEpochs());
    assertEquals(3, c.microBatchSize());
    assertEquals(3, c.seed());
    assertEquals(dir.resolve("validation.jsonl"), c.testDatasets().get(0).path());
    Files.delete(dir.resolve("train.jsonl"));
    var missing =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                JobSettings.forRun(
                    r.config(),
                    dir.resolve("base"),
                    dir.resolve("train.jsonl"),
                    dir.resolve("validation.jsonl"),
                    dir.resolve("out")));
    assertTrue(missing.getMessage().startsWith("datasets[0].path"), missing.getMessage());
  }
}
