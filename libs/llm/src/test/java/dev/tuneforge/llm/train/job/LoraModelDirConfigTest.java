package dev.tuneforge.llm.train.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.llm.peft.PeftAdapter;
import dev.tuneforge.llm.peft.PeftFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lora_model_dir}: the adapter's layout wins, and every conflict or missing file names its
 * key.
 */
class LoraModelDirConfigTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  private Path adapter;

  @BeforeEach
  void files() throws IOException {
    Files.createDirectories(dir.resolve("base"));
    Files.writeString(dir.resolve("train.jsonl"), "{\"text\": \"x\"}\n");
    adapter =
        PeftFixtures.copy(
            "llama3-lora", dir.resolve("adapter")); // r 4, alpha 8, [v_proj, down_proj, q_proj]
  }

  private ObjectNode job(String adapterKind) {
    ObjectNode j = JSON.createObjectNode();
    j.put("base_model", "base");
    j.putArray("datasets").addObject().put("path", "train.jsonl").put("type", "text");
    j.put("output_dir", "out");
    j.put("learning_rate", 0.001);
    j.put("adapter", adapterKind);
    j.put("lora_model_dir", "adapter");
    return j;
  }

  private JobConfigException rejected(ObjectNode j) {
    return assertThrows(JobConfigException.class, () -> JobConfig.parse(j, dir));
  }

  @Test
  void acceptsAnAdapterFolderAndLoraKeysThatAgreeWithIt() {
    ObjectNode j = job("qlora");
    j.put("lora_r", 4);
    j.put("lora_alpha", 8);
    j.putArray("lora_target_modules")
        .add("q_proj")
        .add("v_proj")
        .add("down_proj"); // order does not matter
    j.put("lora_dropout", 0.0);
    JobConfig c = JobConfig.parse(j, dir);
    assertEquals(adapter, c.loraModelDir());
    assertEquals(0.0, c.loraDropout());
    assertEquals(
        null,
        JobConfig.parse(job("lora"), dir).loraDropout(),
        "unset: the adapter's dropout applies");
  }

  @Test
  void fullFineTuningCannotContinueFromAnAdapter() {
    JobConfigException e = rejected(job("full"));
    assertEquals("lora_model_dir", e.key());
    assertTrue(e.getMessage().contains("adapter is full"), e.getMessage());
  }

  @Test
  void missingFolderNamesTheKeyAndThePath() {
    ObjectNode j = job("lora");
    j.put("lora_model_dir", "no-such-adapter");
    JobConfigException e = rejected(j);
    assertEquals("lora_model_dir", e.key());
    assertTrue(e.getMessage().contains(dir.resolve("no-such-adapter").toString()), e.getMessage());
  }

  @Test
  void folderWithoutAdapterWeightsNamesTheKeyThePathAndTheFile() throws IOException {
    Files.delete(adapter.resolve(PeftAdapter.WEIGHTS_FILE));
    JobConfigException e = rejected(job("lora"));
    assertEquals("lora_model_dir", e.key());
    assertTrue(
        e.getMessage().contains(adapter.toString())
            && e.getMessage().contains(PeftAdapter.WEIGHTS_FILE),
        e.getMessage());
  }

  @Test
  void conflictingRankNamesTheKeyAndBothValues() {
    ObjectNode j = job("lora");
    j.put("lora_r", 8);
    JobConfigException e = rejected(j);
    assertEquals("lora_r", e.key());
    assertTrue(
        e.getMessage().startsWith("lora_r: 8 ") && e.getMessage().contains("r = 4"),
        e.getMessage());
  }

  @Test
  void conflictingAlphaNamesTheKeyAndBothValues() {
    ObjectNode j = job("lora");
    j.put("lora_alpha", 16);
    JobConfigException e = rejected(j);
    assertEquals("lora_alpha", e.key());
    assertTrue(
        e.getMessage().contains("16.0") && e.getMessage().contains("lora_alpha = 8.0"),
        e.getMessage());
  }

  @Test
  void conflictingTargetModulesNameTheKeyAndBothLists() {
    ObjectNode j = job("lora");
    j.putArray("lora_target_modules").add("q_proj").add("v_proj");
    JobConfigException e = rejected(j);
    assertEquals("lora_target_modules", e.key());
    assertTrue(
        e.getMessage().contains("[q_proj, v_proj]")
            && e.getMessage().contains("[v_proj, down_proj, q_proj]"),
        e.getMessage());
  }

  @Test
  void targetsWrittenAsFullModuleNamesMatchTheShortNamesTheyCameFrom() {
    List<String> written =
        List.of(
            "model.layers.0.self_attn.q_proj",
            "model.layers.1.self_attn.q_proj",
            "model.layers.0.mlp.down_proj",
            "model.layers.1.mlp.down_proj");
    assertTrue(JobConfig.sameTargets(List.of("q_proj", "down_proj"), written));
    assertFalse(
        JobConfig.sameTargets(List.of("q_proj", "down_proj", "v_proj"), written),
        "v_proj has no tensors");
    assertFalse(
        JobConfig.sameTargets(List.of("q_proj"), written), "down_proj would not be trained");
    assertFalse(JobConfig.sameTargets(List.of("all-linear"), List.of("q_proj", "v_proj")));
  }
}
