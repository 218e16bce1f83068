package dev.tuneforge.llm.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LoraConfigTest {

  @Test
  void invalidValuesAreRefusedNamingTheField() {
    List<String> q = List.of("q_proj");
    assertMessage("r", () -> new LoraConfig(0, 8, 0, q, false, 0));
    assertMessage("lora_alpha", () -> new LoraConfig(4, 0, 0, q, false, 0));
    assertMessage("lora_alpha", () -> new LoraConfig(4, Double.NaN, 0, q, false, 0));
    assertMessage("lora_dropout", () -> new LoraConfig(4, 8, 1.0, q, false, 0));
    assertMessage("lora_dropout", () -> new LoraConfig(4, 8, -0.1, q, false, 0));
    assertMessage("target_modules", () -> new LoraConfig(4, 8, 0, List.of(), false, 0));
    assertMessage("target_modules", () -> new LoraConfig(4, 8, 0, List.of(" "), false, 0));
    assertMessage(
        "target_modules", () -> new LoraConfig(4, 8, 0, List.of("all-linear", "q_proj"), false, 0));
  }

  private static void assertMessage(String field, org.junit.jupiter.api.function.Executable e) {
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
    assertTrue(ex.getMessage().contains(field), ex.getMessage());
  }

  @Test
  void moduleNamesMatchWholeTrailingComponentsAsInPeft() {
    LoraConfig c = LoraConfig.of(4, 8, List.of("q_proj", "mlp.down_proj"));
    assertTrue(c.targets("model.layers.0.self_attn.q_proj"));
    assertTrue(c.targets("model.layers.3.mlp.down_proj"));
    assertFalse(c.targets("model.layers.0.self_attn.k_proj"));
    assertFalse(c.targets("model.layers.0.self_attn.xq_proj"), "suffix must start at a dot");
    assertFalse(c.targets("lm_head"));
  }

  @Test
  void allLinearTargetsEveryLinearButTheHead() {
    LoraConfig c = LoraConfig.of(4, 8, List.of(LoraConfig.ALL_LINEAR));
    assertTrue(c.targets("model.layers.0.self_attn.o_proj"));
    assertTrue(c.targets("model.layers.1.mlp.gate_proj"));
    assertFalse(c.targets("lm_head"));
  }

  @Test
  void scaleIsAlphaOverROrOverRootRWithRslora() {
    assertEquals(2.0, new LoraConfig(16, 32, 0, List.of("q_proj"), false, 0).scale());
    assertEquals(8.0, new LoraConfig(16, 32, 0, List.of("q_proj"), true, 0).scale());
  }
}
