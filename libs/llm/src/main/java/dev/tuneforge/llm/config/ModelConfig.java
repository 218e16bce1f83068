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
 * @param qkvBias q/k/v projections have a bias (Qwen2 always; Llama/Qwen3 via {@code
 *     attention_bias})
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

  // Sane upper bounds, far above every released model (largest seen: hidden 16384 and 53248-wide
  // MLPs in Llama 3.1 405B, 126 layers, 128 heads, head_dim 256, vocab ~262k, 10M-token context),
  // so a config that claims more is a lie or a typo, refused before anything is sized from it.
  public static final int MAX_HIDDEN = 1 << 17;
  public static final int MAX_INTERMEDIATE = 1 << 20;
  public static final int MAX_LAYERS = 1024;
  public static final int MAX_HEADS = 1024;
  public static final int MAX_HEAD_DIM = 1024;
  public static final int MAX_VOCAB = 1 << 24;
  public static final int MAX_POSITIONS = 1 << 24;

  /** rope_theta: released models use 1e4..1e7. */
  public static final double MAX_ROPE_THETA = 1e12;

  public ModelConfig {
    requireIn("hidden_size", hiddenSize, MAX_HIDDEN);
    requireIn("num_hidden_layers", numLayers, MAX_LAYERS);
    requireIn("num_attention_heads", numHeads, MAX_HEADS);
    requireIn("num_key_value_heads", numKvHeads, numHeads);
    requireIn("head_dim", headDim, MAX_HEAD_DIM);
    requireIn("intermediate_size", intermediateSize, MAX_INTERMEDIATE);
    requireIn("vocab_size", vocabSize, MAX_VOCAB);
    requireIn("max_position_embeddings", maxPositionEmbeddings, MAX_POSITIONS);
    if (slidingWindow != null) {
      requireIn("sliding_window", slidingWindow, MAX_POSITIONS);
    }
    if (numHeads % numKvHeads != 0) {
      throw new IllegalArgumentException(
          "num_attention_heads ("
              + numHeads
              + ") must be divisible by num_key_value_heads ("
              + numKvHeads
              + ")");
    }
    if (headDim % 2 != 0) {
      throw new IllegalArgumentException("head_dim (" + headDim + ") must be even for RoPE");
    }
    if (!(rmsNormEps > 0 && rmsNormEps < 1)) {
      throw new IllegalArgumentException(
          "rms_norm_eps must be a finite number in (0, 1), got " + rmsNormEps);
    }
    if (!(ropeTheta > 0 && ropeTheta <= MAX_ROPE_THETA)) {
      throw new IllegalArgumentException(
          "rope_theta must be a finite number in (0, " + MAX_ROPE_THETA + "], got " + ropeTheta);
    }
    bosTokenIds = List.copyOf(bosTokenIds);
    eosTokenIds = List.copyOf(eosTokenIds);
    for (int id : bosTokenIds) {
      requireToken("bos_token_id", id, vocabSize);
    }
    for (int id : eosTokenIds) {
      requireToken("eos_token_id", id, vocabSize);
    }
    kvGroups = numHeads / numKvHeads;
    qDim = numHeads * headDim;
    kvDim = numKvHeads * headDim;
  }

  /** Convenience constructor without the derived values (they are recomputed anyway). */
  public ModelConfig(
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
      String dtype) {
    this(
        modelType,
        hiddenSize,
        numLayers,
        numHeads,
        numKvHeads,
        headDim,
        intermediateSize,
        vocabSize,
        rmsNormEps,
        ropeTheta,
        ropeScaling,
        tieWordEmbeddings,
        qkvBias,
        outputBias,
        mlpBias,
        qkNorm,
        slidingWindow,
        maxPositionEmbeddings,
        bosTokenIds,
        eosTokenIds,
        dtype,
        0,
        0,
        0);
  }

  /** Reads and checks {@code config.json}; a file larger than 1 MiB is refused unread. */
  public static ModelConfig read(Path configJson) {
    try {
      long size = Files.size(configJson);
      if (size > MAX_FILE_BYTES) {
        throw new IllegalArgumentException(
            configJson + " is " + size + " bytes; a config.json is at most " + MAX_FILE_BYTES);
      }
      return parse(Files.readString(configJson));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + configJson, e);
    }
  }

  /** Real config.json files are a few KiB. */
  static final long MAX_FILE_BYTES = 1 << 20;

  /**
   * Parses the text of a {@code config.json}: every size is an exact integer within bounds, every
   * float finite and positive, each error naming the field; the family's own keys are read by its
   * {@link FamilyRules} ({@link ModelType}).
   */
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
    ConfigJson c = new ConfigJson(n, "config.json");
    if (!c.has("model_type")) {
      throw new IllegalArgumentException(
          "config.json has no model_type (supported: " + ModelType.supportedNames() + ")");
    }
    ModelType type = ModelType.fromHfName(c.text("model_type", null));
    String act = c.text("hidden_act", "silu");
    if (!act.equals("silu")) {
      throw new IllegalArgumentException("unsupported hidden_act " + act + " (supported: silu)");
    }
    int hidden = c.requiredInt("hidden_size", 1, MAX_HIDDEN);
    int heads = c.requiredInt("num_attention_heads", 1, MAX_HEADS);
    int kvHeads = c.optionalInt("num_key_value_heads", 1, heads, heads);
    int headDim;
    if (c.has("head_dim")) {
      headDim = c.requiredInt("head_dim", 1, MAX_HEAD_DIM);
    } else {
      if (hidden % heads != 0) {
        throw new IllegalArgumentException(
            "hidden_size ("
                + hidden
                + ") must be divisible by num_attention_heads ("
                + heads
                + ")");
      }
      headDim = hidden / heads;
    }
    int layers = c.requiredInt("num_hidden_layers", 1, MAX_LAYERS);
    int intermediate = c.requiredInt("intermediate_size", 1, MAX_INTERMEDIATE);
    int vocab = c.requiredInt("vocab_size", 1, MAX_VOCAB);
    // transformers 5 writes rope_parameters (type + theta); 4.x wrote rope_theta + rope_scaling.
    ConfigJson ropeParams =
        c.has("rope_scaling") ? c.object("rope_scaling") : c.object("rope_parameters");
    double theta =
        c.has("rope_theta")
            ? c.positiveDouble("rope_theta", 10000.0, MAX_ROPE_THETA)
            : ropeParams != null
                ? ropeParams.positiveDouble("rope_theta", 10000.0, MAX_ROPE_THETA)
                : 10000.0;
    int maxPos = c.optionalInt("max_position_embeddings", 1, MAX_POSITIONS, 2048);
    RopeScaling scaling = parseRopeScaling(ropeParams, maxPos);
    double eps = c.positiveDouble("rms_norm_eps", 1e-6, 0.5);
    FamilyTraits traits = type.architecture().traits(c);
    String dtype = c.has("torch_dtype") ? c.text("torch_dtype", null) : c.text("dtype", "float32");
    return new ModelConfig(
        type,
        hidden,
        layers,
        heads,
        kvHeads,
        headDim,
        intermediate,
        vocab,
        eps,
        theta,
        scaling,
        c.bool("tie_word_embeddings", false),
        traits.qkvBias(),
        traits.outputBias(),
        traits.mlpBias(),
        traits.qkNorm(),
        traits.slidingWindow(),
        maxPos,
        ids(c, "bos_token_id", vocab),
        ids(c, "eos_token_id", vocab),
        dtype);
  }

  private static RopeScaling parseRopeScaling(ConfigJson r, int maxPos) {
    if (r == null) {
      return null;
    }
    String kind = r.has("rope_type") ? r.text("rope_type", null) : r.text("type", "default");
    if (kind.equals("default")) {
      return null;
    }
    if (!kind.equals("llama3")) {
      throw new IllegalArgumentException("unsupported rope_scaling type " + kind);
    }
    // factors of released Llama 3.x: 8 or 32, 1, 4; bounded far above
    double factor = r.requiredPositiveDouble("factor", 1e6);
    double low = r.requiredPositiveDouble("low_freq_factor", 1e6);
    double high = r.requiredPositiveDouble("high_freq_factor", 1e6);
    if (!(high > low)) {
      // the interpolation band divides by (high - low)
      throw new IllegalArgumentException(
          "rope_scaling: high_freq_factor ("
              + high
              + ") must be greater than low_freq_factor ("
              + low
              + ")");
    }
    return new RopeScaling(
        kind,
        factor,
        low,
        high,
        r.optionalInt("original_max_position_embeddings", 1, MAX_POSITIONS, maxPos));
  }

  private static List<Integer> ids(ConfigJson c, String key, int vocab) {
    List<Integer> out = new ArrayList<>();
    if (!c.has(key)) {
      return out;
    }
    JsonNode v = c.node().get(key);
    if (v.isArray()) {
      if (v.size() > 1024) {
        throw new IllegalArgumentException(
            "config.json: " + key + " lists " + v.size() + " ids (at most 1024)");
      }
      v.forEach(e -> out.add(c.intIn(key, e, 0, vocab - 1)));
    } else if (v.isIntegralNumber()) {
      out.add(c.intIn(key, v, 0, vocab - 1));
    } else {
      throw new IllegalArgumentException(key + " must be an integer or a list of integers");
    }
    return out;
  }

  private static void requireIn(String key, long value, long max) {
    if (value <= 0 || value > max) {
      throw new IllegalArgumentException(key + " must be in [1, " + max + "], got " + value);
    }
  }

  private static void requireToken(String key, int id, int vocab) {
    if (id < 0 || id >= vocab) {
      throw new IllegalArgumentException(
          key + " " + id + " is outside the vocabulary [0, " + vocab + ")");
    }
  }

  /** Inverse RoPE frequencies for this model, scaling included; length {@code headDim / 2}. */
  public float[] ropeInverseFrequencies() {
    return RopeScaling.inverseFrequencies(headDim, ropeTheta, ropeScaling);
  }
}
