package dev.tuneforge.llm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The family registry: each model_type maps to an architecture in its own package holding its
 * rules.
 */
class ModelTypeTest {

  @Test
  void eachFamilyLivesInThePackageNamedAfterItsModelType() {
    for (ModelType t : ModelType.values()) {
      assertEquals(
          "dev.tuneforge.llm.model." + t.hfName(), t.architecture().getClass().getPackageName());
      assertEquals(t, t.architecture().type());
      assertEquals(t, ModelType.fromHfName(t.hfName()));
    }
  }

  @Test
  void familyRulesDecideTheOptionalParts() {
    String sizes =
        "\"hidden_size\":64,\"num_hidden_layers\":2,\"num_attention_heads\":4,"
            + "\"intermediate_size\":96,\"vocab_size\":300,\"attention_bias\":true,\"mlp_bias\":true,\"sliding_window\":32";
    ModelConfig llama = ModelConfig.parse("{\"model_type\":\"llama\"," + sizes + "}");
    assertTrue(llama.qkvBias() && llama.outputBias() && llama.mlpBias() && !llama.qkNorm());
    assertEquals(null, llama.slidingWindow());
    ModelConfig mistral = ModelConfig.parse("{\"model_type\":\"mistral\"," + sizes + "}");
    assertFalse(mistral.qkvBias() || mistral.outputBias() || mistral.mlpBias());
    assertEquals(32, mistral.slidingWindow());
    ModelConfig qwen2 = ModelConfig.parse("{\"model_type\":\"qwen2\"," + sizes + "}");
    assertTrue(qwen2.qkvBias() && !qwen2.outputBias() && !qwen2.mlpBias());
    ModelConfig qwen3 = ModelConfig.parse("{\"model_type\":\"qwen3\"," + sizes + "}");
    assertTrue(qwen3.qkvBias() && qwen3.outputBias() && !qwen3.mlpBias() && qwen3.qkNorm());
  }
}
