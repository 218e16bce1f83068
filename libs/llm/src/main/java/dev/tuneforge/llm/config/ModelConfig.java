package dev.tuneforge.llm.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A decoder-only model's shape and numerics, parsed from a Hugging Face {@code config.json}. HF key
 * names are mapped here, at the boundary; the rest of the engine uses these Java names. Derived
 * values ({@link #kvGroups()}, {@link #qDim()}, {@link #kvDim()}) are computed in the constructor.
 *
 * @param modelType HF {@code model_type}
 * @param hiddenSize {@code hidden_size}
 * @param numLayers {@code num_hidden_layers}
 * @param numHeads {@code num_attention_heads}
 * @param numKvHeads {@code num_key_value_heads} (default: {@code numHeads}, i.e. no GQA)
 * @param headDim {@code head_dim} (default: {@code hiddenSize / numHeads})
 * @param intermediateSize {@code intermediate_size} (SwiGLU width)
 * @param vocabSize {@code vocab_size}
 * @param rmsNormEps {@code rms_norm_eps}
 * @param ropeTheta {@code rope_theta} (or {@code rope_parameters.rope_theta})
 * @param ropeScaling {@code rope_scaling} / {@code rope_parameters}; null when none ("default")
 * @param tieWordEmbeddings {@code tie_word_embeddings}: the LM head reuses the embedding matrix
 * @param qkvBias q/k/v projections have a bias (Qwen2 always; Llama/Qwen3 via {@code attention_bias})
 * @param outputBias o_proj has a bias (Llama/Qwen3 {@code attention_bias})
 * @param mlpBias gate/up/down have a bias (Llama {@code mlp_bias})
 * @param qkNorm per-head RMSNorm on queries and keys before RoPE (Qwen3)
 * @param slidingWindow attention window in tokens, or null for full causal attention
 * @param maxPositionEmbeddings {@code max_position_embeddings} (context length)
 * @param bosTokenIds {@code bos_token_id} (int or list), possibly empty
 * @param eosTokenIds {@code eos_token_id} (int or list), possibly empty
 * @param dtype {@code torch_dtype} / {@code dtype} as written (storage type; compute is float32)
 * @param kvGroups derived: query heads per key/value head
 * @param qDim derived: {@code numHeads * headDim}
 * @param kvDim derived: {@code numKvHeads * headDim}
 */
public record ModelConfig(
    ModelType modelType,
    int hiddenSize,
    int numLayers,
    int numHeads,
    int numKvHeads,
    int headDim,
    int intermediateSize,
    int vocabSize,
    double rmsNormEps,
    double ropeTheta,
    RopeScaling ropeScaling,
    boolean tieWordEmbeddings,
    boolean qkvBias,
    boolean outputBias,
    boolean mlpBias,
    boolean qkNorm,
    Integer slidingWindow,
    int maxPositionEmbeddings,
    List<Integer> bosTokenIds,
    List<Integer> eosTokenIds,
    String dtype,
    int kvGroups,
    int qDim,
    int kvDim) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public ModelConfig {
    requirePositive("hidden_size", hiddenSize);
    requirePositive("num_hidden_layers", numLayers);
    requirePositive("num_attention_heads", numHeads);
    requirePositive("num_key_value_heads", numKvHeads);
    requirePositive("head_dim", headDim);
    requirePositive("intermediate_size", intermediateSize);
    requirePositive("vocab_size", vocabSize);
    if (numHeads % numKvHeads != 0) {
      throw new IllegalArgumentException(
          "num_attention_heads (" + numHeads + ") must be divisible by num_key_value_heads ("
              + numKvHeads + ")");
    }
    if (headDim % 2 != 0) {
      throw new IllegalArgumentException("head_dim (" + headDim + ") must be even for RoPE");
    }
    bosTokenIds = List.copyOf(bosTokenIds);
    eosTokenIds = List.copyOf(eosTokenIds);
    kvGroups = numHeads / numKvHeads;
    qDim = numHeads * headDim;
    kvDim = numKvHeads * headDim;
  }

  /** Convenience constructor without the derived values (they are recomputed anyway). */
  public ModelConfig(
      ModelType modelType, int hiddenSize, int numLayers, int numHeads, int numKvHeads, int headDim,
      int intermediateSize, int vocabSize, double rmsNormEps, double ropeTheta,
      RopeScaling ropeScaling, boolean tieWordEmbeddings, boolean qkvBias, boolean outputBias,
      boolean mlpBias, boolean qkNorm, Integer slidingWindow, int maxPositionEmbeddings,
      List<Integer> bosTokenIds, List<Integer> eosTokenIds, String dtype) {
    this(modelType, hiddenSize, numLayers, numHeads, numKvHeads, headDim, intermediateSize,
        vocabSize, rmsNormEps, ropeTheta, ropeScaling, tieWordEmbeddings, qkvBias, outputBias,
        mlpBias, qkNorm, slidingWindow, maxPositionEmbeddings, bosTokenIds, eosTokenIds, dtype, 0,
        0, 0);
  }

  public static ModelConfig read(Path configJson) {
    try {
      return parse(Files.readString(configJson));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + configJson, e);
    }
  }

  /** Parses the text of a {@code config.json}. */
  public static ModelConfig parse(String json) {
    JsonNode n;
    try {
      n = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("config.json is not valid JSON: " + e.getMessage(), e);
    }
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("config.json must be a JSON object");
    }
    if (!n.hasNonNull("model_type")) {
      throw new IllegalArgumentException(
          "config.json has no model_type (supported: " + ModelType.supportedNames() + ")");
    }
    ModelType type = ModelType.fromHfName(n.get("model_type").asText());
    String act = n.path("hidden_act").asText("silu");
    if (!act.equals("silu")) {
      throw new IllegalArgumentException("unsupported hidden_act " + act + " (supported: silu)");
    }
    int hidden = requiredInt(n, "hidden_size");
    int heads = requiredInt(n, "num_attention_heads");
    int kvHeads = n.hasNonNull("num_key_value_heads") ? n.get("num_key_value_heads").asInt() : heads;
    int headDim;
    if (n.hasNonNull("head_dim")) {
      headDim = n.get("head_dim").asInt();
    } else {
      if (heads <= 0 || hidden % heads != 0) {
        throw new IllegalArgumentException(
            "hidden_size (" + hidden + ") must be divisible by num_attention_heads (" + heads + ")");
      }
      headDim = hidden / heads;
    }
    // transformers 5 writes rope_parameters (type + theta); 4.x wrote rope_theta + rope_scaling.
    JsonNode ropeParams = n.hasNonNull("rope_scaling") ? n.get("rope_scaling") : n.get("rope_parameters");
    double theta = n.hasNonNull("rope_theta")
        ? n.get("rope_theta").asDouble()
        : (ropeParams != null && ropeParams.hasNonNull("rope_theta")
            ? ropeParams.get("rope_theta").asDouble() : 10000.0);
    int maxPos = n.path("max_position_embeddings").asInt(2048);
    RopeScaling scaling = parseRopeScaling(ropeParams, maxPos);

    boolean attentionBias = n.path("attention_bias").asBoolean(false);
    boolean qkvBias;
    boolean outputBias;
    switch (type) {
      case QWEN2 -> { // Qwen2Attention: q/k/v always biased, o never
        qkvBias = true;
        outputBias = false;
      }
      case MISTRAL -> { // MistralAttention: no biases
        qkvBias = false;
        outputBias = false;
      }
      default -> { // Llama, Qwen3: attention_bias applies to q, k, v and o
        qkvBias = attentionBias;
        outputBias = attentionBias;
      }
    }
    boolean mlpBias = type == ModelType.LLAMA && n.path("mlp_bias").asBoolean(false);
    Integer window = slidingWindow(n, type);
    String dtype = n.hasNonNull("torch_dtype") ? n.get("torch_dtype").asText()
        : n.path("dtype").asText("float32");
    return new ModelConfig(
        type, hidden, requiredInt(n, "num_hidden_layers"), heads, kvHeads, headDim,
        requiredInt(n, "intermediate_size"), requiredInt(n, "vocab_size"),
        n.path("rms_norm_eps").asDouble(1e-6), theta, scaling,
        n.path("tie_word_embeddings").asBoolean(false), qkvBias, outputBias, mlpBias,
        type == ModelType.QWEN3, window, maxPos, ids(n, "bos_token_id"), ids(n, "eos_token_id"),
        dtype);
  }

  private static Integer slidingWindow(JsonNode n, ModelType type) {
    JsonNode w = n.get("sliding_window");
    if (type == ModelType.MISTRAL) {
      return w == null || w.isNull() ? null : w.asInt();
    }
    // Qwen2/3 only slide when use_sliding_window is set, and then only on some layers.
    if (n.path("use_sliding_window").asBoolean(false)) {
      throw new IllegalArgumentException(
          "use_sliding_window=true is not supported for model_type " + type.hfName());
    }
    return null;
  }

  private static RopeScaling parseRopeScaling(JsonNode r, int maxPos) {
    if (r == null || r.isNull()) {
      return null;
    }
    String kind = r.hasNonNull("rope_type") ? r.get("rope_type").asText() : r.path("type").asText("default");
    if (kind.equals("default")) {
      return null;
    }
    if (!kind.equals("llama3")) {
      throw new IllegalArgumentException("unsupported rope_scaling type " + kind);
    }
    return new RopeScaling(
        kind,
        requiredDouble(r, "factor"),
        requiredDouble(r, "low_freq_factor"),
        requiredDouble(r, "high_freq_factor"),
        r.path("original_max_position_embeddings").asInt(maxPos));
  }

  private static List<Integer> ids(JsonNode n, String key) {
    JsonNode v = n.get(key);
    List<Integer> out = new ArrayList<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (v.isArray()) {
      v.forEach(e -> out.add(e.asInt()));
    } else if (v.isIntegralNumber()) {
      out.add(v.asInt());
    } else {
      throw new IllegalArgumentException(key + " must be an integer or a list of integers");
    }
    return out;
  }

  private static int requiredInt(JsonNode n, String key) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("config.json is missing " + key);
    }
    if (!v.isIntegralNumber()) {
      throw new IllegalArgumentException(key + " must be an integer, got " + v);
    }
    return v.asInt();
  }

  private static double requiredDouble(JsonNode n, String key) {
    JsonNode v = n.get(key);
    if (v == null || !v.isNumber()) {
      throw new IllegalArgumentException("rope_scaling is missing " + key);
    }
    return v.asDouble();
  }

  private static void requirePositive(String key, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(key + " must be positive, got " + value);
    }
  }

  /** Inverse RoPE frequencies for this model, scaling included; length {@code headDim / 2}. */
  public float[] ropeInverseFrequencies() {
    return RopeScaling.inverseFrequencies(headDim, ropeTheta, ropeScaling);
  }
}
