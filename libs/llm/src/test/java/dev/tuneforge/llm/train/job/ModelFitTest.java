package dev.tuneforge.llm.train.job;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.llm.config.ModelConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A method the model cannot run is refused from config.json alone, naming the key: LoRA targets the
 * architecture does not have, and a method whose memory exceeds the budget. The llama here has
 * about 3.1 M parameters: 12.5 MB as float32 (lora), 50 MB for full fine-tuning, about 3.5 MB with
 * an NF4 base (qlora).
 */
class ModelFitTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final long MB = 1 << 20;

  static ModelConfig model() {
    ObjectNode c = JSON.createObjectNode();
    c.put("model_type", "llama");
    c.put("hidden_size", 256);
    c.put("num_hidden_layers", 4);
    c.put("num_attention_heads", 4);
    c.put("num_key_value_heads", 4);
    c.put("intermediate_size", 512);
    c.put("vocab_size", 1000);
    c.put("rms_norm_eps", 1e-5);
    c.put("max_position_embeddings", 512);
    c.put("tie_word_embeddings", false);
    return ModelConfig.parse(c.toString());
  }

  static JobConfig job(String adapter, String... targets) {
    ObjectNode j = JSON.createObjectNode();
    j.put("base_model", "base");
    j.putArray("datasets").addObject().put("path", "train.jsonl").put("type", "chat");
    j.put("output_dir", "out");
    j.put("learning_rate", 1e-4);
    j.put("adapter", adapter);
    j.put("sequence_len", 64);
    if (targets.length > 0) {
      var a = j.putArray("lora_target_modules");
      for (String t : targets) {
        a.add(t);
      }
    }
    return JobConfig.parse(j, Path.of("."), false);
  }

  @Test
  void targetsTheArchitectureHasPass() {
    assertDoesNotThrow(
        () -> ModelFit.check(job("lora", "q_proj", "v_proj", "down_proj"), model(), 1L << 40));
    assertDoesNotThrow(() -> ModelFit.check(job("qlora", "all-linear"), model(), 1L << 40));
  }

  @Test
  void aTargetTheArchitectureLacksIsNamed() {
    JobConfigException e =
        assertThrows(
            JobConfigException.class,
            () -> ModelFit.check(job("lora", "q_proj", "c_attn"), model(), 1L << 40));
    assertEquals("lora_target_modules", e.key());
    assertTrue(e.getMessage().contains("'c_attn' matches no linear layer"), e.getMessage());
    assertTrue(e.getMessage().contains("q_proj"), "lists the layers there are: " + e.getMessage());
  }

  @Test
  void fullFineTuningBeyondTheBudgetIsRefusedWhereLoraFits() {
    assertDoesNotThrow(() -> ModelFit.check(job("lora"), model(), 30 * MB));
    JobConfigException e =
        assertThrows(JobConfigException.class, () -> ModelFit.check(job("full"), model(), 30 * MB));
    assertEquals("adapter", e.key());
    assertTrue(e.getMessage().contains("full fine-tuning"), e.getMessage());
    assertTrue(e.getMessage().contains("lora or qlora"), e.getMessage());
  }

  @Test
  void qloraFitsWhereAFloatBaseDoesNot() {
    JobConfigException e =
        assertThrows(JobConfigException.class, () -> ModelFit.check(job("lora"), model(), 8 * MB));
    assertEquals("adapter", e.key());
    assertTrue(e.getMessage().contains("adapter qlora"), e.getMessage());
    assertDoesNotThrow(() -> ModelFit.check(job("qlora"), model(), 8 * MB));
  }
}
