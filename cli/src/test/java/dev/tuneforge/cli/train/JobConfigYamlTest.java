package dev.tuneforge.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.llm.train.job.JobConfig;
import dev.tuneforge.llm.train.job.JobConfigException;
import dev.tuneforge.llm.train.optim.LrSchedule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The YAML job: Axolotl's keys, defaults, and errors that name the key. */
class JobConfigYamlTest {
  @TempDir Path dir;

  private static final String VALID =
      """
      base_model: base
      datasets:
        - path: train.jsonl
          type: chat
      output_dir: out
      learning_rate: 0.0002
      """;

  @BeforeEach
  void files() throws IOException {
    Files.createDirectories(dir.resolve("base"));
    Files.writeString(dir.resolve("train.jsonl"), "{\"text\": \"x\"}\n");
  }

  private JobConfig load(String yaml) throws IOException {
    Path f = dir.resolve("job.yaml");
    Files.writeString(f, yaml);
    return TrainCommand.load(f);
  }

  @Test
  void readsAxolotlKeysResolvingPathsAgainstTheFile() throws IOException {
    JobConfig c =
        load(
            VALID
                + """
        sequence_len: 256
        sample_packing: true
        micro_batch_size: 2
        gradient_accumulation_steps: 4
        num_epochs: 3
        lr_scheduler: linear
        warmup_ratio: 0.1
        weight_decay: 0.01
        max_grad_norm: 0.5
        seed: 7
        val_set_size: 0.1
        eval_steps: 5
        save_steps: 10
        early_stopping_patience: 2
        train_on_inputs: true
        """);
    assertEquals(dir.resolve("base"), c.baseModel());
    assertEquals(dir.resolve("out"), c.outputDir());
    assertEquals(JobConfig.DatasetType.CHAT, c.datasets().get(0).type());
    assertEquals(256, c.sequenceLen());
    assertEquals(4, c.gradientAccumulationSteps());
    assertEquals(LrSchedule.Kind.LINEAR, c.lrScheduler());
    assertEquals(0.1, c.warmupRatio());
    assertEquals(JobConfig.Adapter.FULL, c.adapter());
    assertTrue(c.samplePacking() && c.trainOnInputs());
    assertTrue(c.groupByLength(), "length-aware batching is on unless switched off");
    assertEquals(2, c.training().earlyStoppingPatience());
    assertFalse(load(VALID + "group_by_length: false\n").groupByLength());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "lerning_rate: 0.1|lerning_rate|unknown key",
        "micro_batch_size: 0|micro_batch_size|>= 1",
        "gradient_accumulation_steps: -1|gradient_accumulation_steps|>= 1",
        "sequence_len: 1|sequence_len|>= 2",
        "warmup_ratio: 1.5|warmup_ratio|[0, 1]",
        "lr_scheduler: step|lr_scheduler|constant, linear, cosine",
        "adapter: nf4|adapter|must be one of [full, lora, qlora]",
        "adapter: prefix|adapter|must be one of",
        "lora_r: 8|lora_r|adapter is full",
        "val_set_size: 1.0|val_set_size|[0, 1)",
        "eval_steps: 5|eval_steps|validation set",
        "sample_packing: yes please|sample_packing|true or false",
        "gradient_checkpointing: 1|gradient_checkpointing|true or false",
        "group_by_length: sometimes|group_by_length|true or false",
        "max_steps: 2.5|max_steps|integer",
        "weight_decay: -0.1|weight_decay|>= 0",
      })
  void rejectsWithTheKeyNamed(String line, String key, String text) {
    JobConfigException e = assertThrows(JobConfigException.class, () -> load(VALID + line + "\n"));
    assertEquals(key, e.key());
    assertTrue(
        e.getMessage().startsWith(key + ":") && e.getMessage().contains(text), e.getMessage());
  }

  @Test
  void qloraIsAcceptedWithTheLoraKeys() throws IOException {
    JobConfig c =
        load(
            VALID
                + """
        adapter: qlora
        lora_r: 8
        lora_alpha: 16
        lora_target_modules: all-linear
        """);
    assertEquals(JobConfig.Adapter.QLORA, c.adapter());
    assertEquals(8, c.loraR());
    assertEquals(java.util.List.of("all-linear"), c.loraTargetModules());
    JobConfigException e =
        assertThrows(
            JobConfigException.class, () -> load(VALID + "adapter: qlora\nlora_dropout: 1.0\n"));
    assertEquals("lora_dropout", e.key());
    e =
        assertThrows(
            JobConfigException.class,
            () -> load(VALID + "adapter: qlora\nlora_target_modules: 3\n"));
    assertEquals("lora_target_modules", e.key());
  }

  @Test
  void gradientCheckpointingReachesTheLoopAndIsOffByDefault() throws IOException {
    assertTrue(!load(VALID).training().gradientCheckpointing(), "HF's default: off");
    JobConfig c = load(VALID + "gradient_checkpointing: true\n");
    assertTrue(c.gradientCheckpointing());
    assertTrue(c.training().gradientCheckpointing());
  }

  @Test
  void learningRateOutOfRangeNamesTheKey() {
    JobConfigException e =
        assertThrows(JobConfigException.class, () -> load(VALID.replace("0.0002", "0")));
    assertEquals("learning_rate", e.key());
  }

  @Test
  void datasetEntriesAreCheckedByIndex() {
    JobConfigException e =
        assertThrows(
            JobConfigException.class, () -> load(VALID.replace("type: chat", "type: dpo")));
    assertEquals("datasets[0].type", e.key());
    e =
        assertThrows(
            JobConfigException.class,
            () -> load(VALID.replace("type: chat", "type: chat\n    split: x")));
    assertEquals("datasets[0].split", e.key());
    e =
        assertThrows(
            JobConfigException.class, () -> load(VALID.replace("train.jsonl", "missing.jsonl")));
    assertEquals("datasets[0].path", e.key());
  }

  @Test
  void requiredKeysAreNamed() {
    JobConfigException e =
        assertThrows(JobConfigException.class, () -> load(VALID.replace("output_dir: out\n", "")));
    assertEquals("output_dir", e.key());
  }
}
