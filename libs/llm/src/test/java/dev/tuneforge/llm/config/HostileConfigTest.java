package dev.tuneforge.llm.config;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every size and number of a config.json is checked, exactly, and the error names the field. */
class HostileConfigTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ObjectNode tiny(String type) {
    ObjectNode c = JSON.createObjectNode();
    c.put("model_type", type);
    c.put("hidden_size", 64);
    c.put("num_hidden_layers", 2);
    c.put("num_attention_heads", 4);
    c.put("num_key_value_heads", 2);
    c.put("intermediate_size", 96);
    c.put("vocab_size", 300);
    c.put("rms_norm_eps", 1e-5);
    c.put("rope_theta", 10000.0);
    c.put("max_position_embeddings", 256);
    c.put("eos_token_id", 1);
    return c;
  }

  private static Arguments bad(String field, String expectedInMessage, Consumer<ObjectNode> edit) {
    return bad("llama", field, expectedInMessage, edit);
  }

  private static Arguments bad(
      String type, String field, String expectedInMessage, Consumer<ObjectNode> edit) {
    return Arguments.of(field + ": " + expectedInMessage, type, field, expectedInMessage, edit);
  }

  static Stream<Arguments> hostile() {
    return Stream.of(
        // 2^32 + 300 would be 300 through Jackson's asInt()
        bad("vocab_size", "4294967596", c -> c.put("vocab_size", 4294967596L)),
        bad("vocab_size", "must be an integer", c -> c.put("vocab_size", "300")),
        bad("vocab_size", "-1", c -> c.put("vocab_size", -1)),
        bad("hidden_size", "must be an integer", c -> c.put("hidden_size", 64.5)),
        bad("hidden_size", "got 0", c -> c.put("hidden_size", 0)),
        bad(
            "hidden_size",
            "1267650600228229401496703205376",
            c -> c.put("hidden_size", new java.math.BigInteger("1267650600228229401496703205376"))),
        bad("intermediate_size", "2147483648", c -> c.put("intermediate_size", 2147483648L)),
        bad("num_hidden_layers", "1000000", c -> c.put("num_hidden_layers", 1_000_000)),
        bad("num_attention_heads", "got -4", c -> c.put("num_attention_heads", -4)),
        bad(
            "num_key_value_heads",
            "divisible by num_key_value_heads",
            c -> c.put("num_key_value_heads", 3)),
        bad("num_key_value_heads", "[1, 4], got 8", c -> c.put("num_key_value_heads", 8)),
        bad("head_dim", "must be even", c -> c.put("head_dim", 15)),
        bad("head_dim", "[1, 1024], got 4096", c -> c.put("head_dim", 4096)),
        bad(
            "max_position_embeddings",
            "1099511627776",
            c -> c.put("max_position_embeddings", 1L << 40)),
        bad("max_position_embeddings", "got 0", c -> c.put("max_position_embeddings", 0)),
        bad("rms_norm_eps", "got 0", c -> c.put("rms_norm_eps", 0.0)),
        bad("rms_norm_eps", "got -1", c -> c.put("rms_norm_eps", -1e-5)),
        bad("rms_norm_eps", "must be a number", c -> c.put("rms_norm_eps", "1e-5")),
        bad("rope_theta", "got 0", c -> c.put("rope_theta", 0)),
        // 1e400 overflows a double to Infinity when read
        bad(
            "rope_theta",
            "must be a finite number",
            c -> c.put("rope_theta", new java.math.BigDecimal("1e400"))),
        bad("rope_theta", "1.0E300", c -> c.put("rope_theta", 1e300)),
        bad(
            "factor",
            "rope_scaling: factor",
            c ->
                c.putObject("rope_scaling")
                    .put("rope_type", "llama3")
                    .put("factor", 0.0)
                    .put("low_freq_factor", 1.0)
                    .put("high_freq_factor", 4.0)),
        bad(
            "high_freq_factor",
            "must be greater than low_freq_factor",
            c ->
                c.putObject("rope_scaling")
                    .put("rope_type", "llama3")
                    .put("factor", 8.0)
                    .put("low_freq_factor", 4.0)
                    .put("high_freq_factor", 4.0)),
        bad(
            "original_max_position_embeddings",
            "got -8192",
            c ->
                c.putObject("rope_scaling")
                    .put("rope_type", "llama3")
                    .put("factor", 8.0)
                    .put("low_freq_factor", 1.0)
                    .put("high_freq_factor", 4.0)
                    .put("original_max_position_embeddings", -8192)),
        bad("mistral", "sliding_window", "got 0", c -> c.put("sliding_window", 0)),
        bad(
            "mistral",
            "sliding_window",
            "must be an integer",
            c -> c.put("sliding_window", 4096.5)),
        bad("eos_token_id", "got 300", c -> c.put("eos_token_id", 300)),
        bad("bos_token_id", "got -1", c -> c.putArray("bos_token_id").add(0).add(-1)),
        bad("attention_bias", "must be true or false", c -> c.put("attention_bias", "yes")),
        bad("qwen2", "use_sliding_window", "not supported", c -> c.put("use_sliding_window", true)),
        bad("rope_scaling", "must be an object", c -> c.put("rope_scaling", "llama3")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostile")
  void refusedNamingTheField(
      String name, String type, String field, String expected, Consumer<ObjectNode> edit) {
    ObjectNode c = tiny(type);
    ModelConfig.parse(c.toString()); // the untouched config is fine
    edit.accept(c);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ModelConfig.parse(c.toString()));
    assertTrue(e.getMessage().contains(field), "names " + field + ": " + e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertTrue(e.getMessage().length() < 300, "short: " + e.getMessage());
  }
}
