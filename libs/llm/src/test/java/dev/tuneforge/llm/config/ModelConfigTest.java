package dev.tuneforge.llm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelConfigTest {

  // Llama-3.2-1B's config.json (transformers 4.x key names).
  private static final String LLAMA_32_1B =
      """
      {"architectures":["LlamaForCausalLM"],"attention_bias":false,"bos_token_id":128000,
       "eos_token_id":[128001,128008,128009],"head_dim":64,"hidden_act":"silu","hidden_size":2048,
       "intermediate_size":8192,"max_position_embeddings":131072,"mlp_bias":false,
       "model_type":"llama","num_attention_heads":32,"num_hidden_layers":16,"num_key_value_heads":8,
       "rms_norm_eps":1e-05,"rope_scaling":{"factor":32.0,"high_freq_factor":4.0,"low_freq_factor":1.0,
       "original_max_position_embeddings":8192,"rope_type":"llama3"},"rope_theta":500000.0,
       "tie_word_embeddings":true,"torch_dtype":"bfloat16","vocab_size":128256}
      """;

  @Test
  void parsesHfKeysAndDerivesGroupSizes() {
    ModelConfig c = ModelConfig.parse(LLAMA_32_1B);
    assertEquals(ModelType.LLAMA, c.modelType());
    assertEquals(2048, c.hiddenSize());
    assertEquals(8, c.numKvHeads());
    assertEquals(4, c.kvGroups());
    assertEquals(2048, c.qDim());
    assertEquals(512, c.kvDim());
    assertEquals(List.of(128001, 128008, 128009), c.eosTokenIds());
    assertEquals(List.of(128000), c.bosTokenIds());
    assertEquals("llama3", c.ropeScaling().type());
    assertEquals(8192, c.ropeScaling().originalMaxPositionEmbeddings());
    assertEquals(500000.0, c.ropeTheta());
    assertTrue(c.tieWordEmbeddings());
    assertEquals("bfloat16", c.dtype());
    assertEquals(131072, c.maxPositionEmbeddings());
  }

  @Test
  void defaultsFollowTransformers() {
    ModelConfig c =
        ModelConfig.parse(
            """
        {"model_type":"qwen2","hidden_size":64,"num_hidden_layers":2,"num_attention_heads":4,
         "intermediate_size":96,"vocab_size":300}""");
    assertEquals(4, c.numKvHeads()); // num_key_value_heads defaults to the head count
    assertEquals(16, c.headDim()); // head_dim defaults to hidden / heads
    assertTrue(c.qkvBias()); // Qwen2 always has q/k/v biases
    assertFalse(c.outputBias());
    assertNull(c.ropeScaling());
    assertEquals(10000.0, c.ropeTheta());
  }

  @Test
  void transformers5RopeParametersAreRead() {
    ModelConfig c =
        ModelConfig.parse(
            """
        {"model_type":"mistral","hidden_size":64,"num_hidden_layers":2,"num_attention_heads":4,
         "intermediate_size":96,"vocab_size":300,
         "rope_parameters":{"rope_type":"default","rope_theta":1000000.0}}""");
    assertEquals(1000000.0, c.ropeTheta());
    assertNull(c.ropeScaling());
  }

  @Test
  void unknownModelTypeNamesItAndTheSupportedOnes() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ModelConfig.parse(LLAMA_32_1B.replace("\"llama\"", "\"gpt2\"")));
    assertTrue(e.getMessage().contains("gpt2"), e.getMessage());
    assertTrue(e.getMessage().contains("llama, mistral, qwen2, qwen3"), e.getMessage());
  }

  @Test
  void unsupportedRopeScalingTypeIsNamed() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ModelConfig.parse(
                    LLAMA_32_1B.replace("\"rope_type\":\"llama3\"", "\"rope_type\":\"yarn\"")));
    assertEquals("unsupported rope_scaling type yarn", e.getMessage());
    // the older key name "type" is read too
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ModelConfig.parse(
                    LLAMA_32_1B.replace("\"rope_type\":\"llama3\"", "\"type\":\"linear\"")));
    assertEquals("unsupported rope_scaling type linear", e.getMessage());
  }

  @Test
  void shapeErrorsNameTheKey() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ModelConfig.parse(
                    LLAMA_32_1B.replace("\"num_key_value_heads\":8", "\"num_key_value_heads\":5")));
    assertTrue(e.getMessage().contains("num_key_value_heads"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ModelConfig.parse(
                    """
        {"model_type":"llama","hidden_size":65,"num_hidden_layers":2,"num_attention_heads":4,
         "intermediate_size":96,"vocab_size":300}"""));
    assertTrue(
        e.getMessage().contains("hidden_size (65) must be divisible by num_attention_heads"),
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ModelConfig.parse(LLAMA_32_1B.replace("\"vocab_size\":128256", "\"unused\":0")));
    assertEquals("config.json is missing vocab_size", e.getMessage());
  }

  @Test
  void llama3InverseFrequenciesFollowTheThreeBands() {
    // Formula of transformers' _compute_llama3_parameters, evaluated independently here.
    RopeScaling s = new RopeScaling("llama3", 8.0, 1.0, 4.0, 32);
    float[] inv = RopeScaling.inverseFrequencies(16, 10000.0, s);
    for (int i = 0; i < 8; i++) {
      double base = Math.pow(10000.0, -2.0 * i / 16);
      double wavelen = 2 * Math.PI / base;
      double expected;
      if (wavelen < 32 / 4.0) {
        expected = base;
      } else if (wavelen > 32 / 1.0) {
        expected = base / 8.0;
      } else {
        double smooth = (32 / wavelen - 1.0) / (4.0 - 1.0);
        expected = (1 - smooth) * base / 8.0 + smooth * base;
      }
      assertEquals(expected, inv[i], 1e-7 * Math.abs(expected), "i=" + i);
    }
    assertEquals(1.0f, inv[0]); // high frequency untouched
    assertEquals(
        (float) (Math.pow(10000.0, -0.75) / 8.0), inv[6]); // low frequency divided by factor
  }
}
