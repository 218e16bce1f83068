package dev.tuneforge.llm.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.llm.io.Folders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A Hugging Face tokenizer ({@code tokenizer.json} + {@code tokenizer_config.json}) that gives the
 * same ids as {@code transformers.AutoTokenizer}.
 *
 * <p>Why it is built this way: the Rust {@code tokenizers} library (through DJL's JNI binding) runs
 * the model's own normaliser, pre-tokeniser, BPE/Unigram model and post-processor, so ids are HF's
 * by construction rather than by re-implementation. DJL's wrapper, however, has its own defaults
 * (it may truncate to 512, pad, or read {@code tokenizer_config.json} itself); this class loads
 * only {@code tokenizer.json} and switches truncation and padding off, so that nothing but the
 * post-processor decides which special tokens are added — exactly what transformers 5.x does when
 * {@code tokenizer.json} exists: it ignores {@code add_bos_token}/{@code add_eos_token} of {@code
 * tokenizer_config.json} (verified with transformers 5.18; 4.x's {@code LlamaTokenizerFast} used to
 * rebuild the post-processor from them). Vocabulary look-ups read {@code tokenizer.json} with
 * Jackson, and nothing here touches NDArrays, so services can count tokens without libtorch.
 * Instances are thread-safe; close them to free the native tokenizer.
 */
public final class Tokenizer implements AutoCloseable {

  public static final String TOKENIZER_FILE = "tokenizer.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HuggingFaceTokenizer hf;
  private final TokenizerConfig config;
  private final Map<String, Integer> vocab;
  private final boolean cleanUpOnDecode;

  private Tokenizer(
      HuggingFaceTokenizer hf,
      TokenizerConfig config,
      Map<String, Integer> vocab,
      boolean cleanUpOnDecode) {
    this.hf = hf;
    this.config = config;
    this.vocab = vocab;
    this.cleanUpOnDecode = cleanUpOnDecode;
  }

  /**
   * Loads {@code modelDir/tokenizer.json} and, if present, {@code modelDir/tokenizer_config.json}.
   *
   * @throws TokenizerException naming the file (and field) that is missing or malformed
   */
  public static Tokenizer load(Path modelDir) {
    Path file = modelDir.resolve(TOKENIZER_FILE);
    if (Files.exists(file)) {
      try {
        Folders.requireRegularFile(file, TOKENIZER_FILE); // a FIFO would hang the native reader
      } catch (IllegalArgumentException e) {
        throw new TokenizerException(e.getMessage(), e);
      }
    }
    if (!Files.isRegularFile(file)) {
      throw new TokenizerException(
          "no "
              + TOKENIZER_FILE
              + " in "
              + modelDir
              + " (only fast tokenizers are supported; convert a sentencepiece tokenizer.model with"
              + " transformers first)");
    }
    TokenizerConfig config = TokenizerConfig.read(modelDir);
    JsonNode spec = readJson(file);
    Map<String, Integer> vocab = vocabulary(spec, file);
    String modelType = spec.path("model").path("type").asText("");
    boolean cleanUp =
        config.cleanUpTokenizationSpaces()
            && (!"BPE".equals(modelType) || config.cleanUpForBpeAnyway());
    Map<String, String> options =
        Map.of(
            "addSpecialTokens", "true",
            "truncation", "false",
            "padding", "false",
            "withOverflowingTokens", "false");
    HuggingFaceTokenizer hf;
    try {
      hf = HuggingFaceTokenizer.newInstance(file, options);
    } catch (IOException | RuntimeException e) {
      throw new TokenizerException("cannot load " + file + ": " + e.getMessage(), e);
    }
    Tokenizer tokenizer = new Tokenizer(hf, config, vocab, cleanUp);
    tokenizer.checkSpecialToken("bos_token", config.bosToken());
    tokenizer.checkSpecialToken("eos_token", config.eosToken());
    return tokenizer;
  }

  /**
   * Token counts of many texts, in order, from one native batch call (HF tokenizers encodes a batch
   * in parallel across cores). Same counts as {@code encode(text, addSpecialTokens).length}.
   */
  public int[] countTokens(java.util.List<String> texts, boolean addSpecialTokens) {
    int[] counts = new int[texts.size()];
    if (texts.isEmpty()) {
      return counts;
    }
    long[] encodings =
        TokenizersLibrary.LIB.batchEncode(
            hf.getHandle(), texts.toArray(new String[0]), addSpecialTokens);
    try {
      for (int i = 0; i < encodings.length; i++) {
        counts[i] = TokenizersLibrary.LIB.getTokenIds(encodings[i]).length;
      }
    } finally {
      for (long e : encodings) {
        TokenizersLibrary.LIB.deleteEncoding(e);
      }
    }
    return counts;
  }

  /** Ids as HF {@code tokenizer(text)["input_ids"]}: the post-processor adds special tokens. */
  public int[] encode(String text) {
    return encode(text, true);
  }

  /** Ids of {@code text}; special tokens written in the text are always recognised. */
  public int[] encode(String text, boolean addSpecialTokens) {
    Objects.requireNonNull(text, "text");
    // Straight to the native encoder for ids only: DJL's encode() also copies tokens, offsets and
    // char spans across JNI for every call, which made token counting ~7x slower in curation.
    // Truncation and padding were switched off on this native tokenizer when it was created.
    long encoding = TokenizersLibrary.LIB.encode(hf.getHandle(), text, addSpecialTokens);
    long[] ids;
    try {
      ids = TokenizersLibrary.LIB.getTokenIds(encoding);
    } finally {
      TokenizersLibrary.LIB.deleteEncoding(encoding);
    }
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Math.toIntExact(ids[i]);
    }
    return out;
  }

  /** Text of {@code ids} as HF {@code tokenizer.decode(ids, skip_special_tokens=...)}. */
  public String decode(int[] ids, boolean skipSpecialTokens) {
    long[] longs = Arrays.stream(ids).asLongStream().toArray();
    String text = hf.decode(longs, skipSpecialTokens);
    return cleanUpOnDecode ? cleanUpTokenizationSpaces(text) : text;
  }

  /** {@code bos_token} of tokenizer_config.json, or null when the model has none. */
  public String bosToken() {
    return config.bosToken().orElse(null);
  }

  /** {@code eos_token} of tokenizer_config.json, or null when the model has none. */
  public String eosToken() {
    return config.eosToken().orElse(null);
  }

  public OptionalInt bosId() {
    return config.bosToken().map(this::tokenId).orElse(OptionalInt.empty());
  }

  /**
   * Ids that end generation according to tokenizer_config.json (its {@code eos_token}); the engine
   * may add the ids of config.json / generation_config.json.
   */
  public int[] eosIds() {
    OptionalInt eos = config.eosToken().map(this::tokenId).orElse(OptionalInt.empty());
    return eos.isPresent() ? new int[] {eos.getAsInt()} : new int[0];
  }

  public OptionalInt padId() {
    return config.padToken().map(this::tokenId).orElse(OptionalInt.empty());
  }

  /** Number of distinct tokens including added tokens, as HF {@code len(tokenizer)}. */
  public int vocabSize() {
    return vocab.size();
  }

  /** Id of a vocabulary or added token written exactly as stored, e.g. {@code <|im_end|>}. */
  public OptionalInt tokenId(String token) {
    Integer id = vocab.get(token);
    return id == null ? OptionalInt.empty() : OptionalInt.of(id);
  }

  /** {@code model_max_length}; empty when absent or HF's "unlimited" sentinel. */
  public OptionalLong modelMaxLength() {
    return config.modelMaxLength();
  }

  /** The parsed tokenizer_config.json. */
  public TokenizerConfig config() {
    return config;
  }

  @Override
  public void close() {
    hf.close();
  }

  private void checkSpecialToken(String field, Optional<String> token) {
    if (token.isPresent() && tokenId(token.get()).isEmpty()) {
      close();
      throw new TokenizerException(
          config.file()
              + ": field \""
              + field
              + "\" is \""
              + token.get()
              + "\", which is not in the vocabulary of "
              + TOKENIZER_FILE);
    }
  }

  private static JsonNode readJson(Path file) {
    try {
      JsonNode node = JSON.readTree(file.toFile());
      if (node == null || !node.isObject()) {
        throw new TokenizerException(file + " must hold a JSON object");
      }
      return node;
    } catch (JacksonException e) {
      throw new TokenizerException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new TokenizerException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** model.vocab ({token: id}, or [[piece, score], ...] for Unigram) plus added_tokens. */
  private static Map<String, Integer> vocabulary(JsonNode spec, Path file) {
    Map<String, Integer> vocab = new HashMap<>();
    JsonNode modelVocab = spec.path("model").path("vocab");
    if (modelVocab.isObject()) {
      modelVocab.properties().forEach(e -> vocab.put(e.getKey(), e.getValue().asInt()));
    } else if (modelVocab.isArray()) {
      for (int i = 0; i < modelVocab.size(); i++) {
        vocab.put(modelVocab.get(i).path(0).asText(), i);
      }
    } else {
      throw new TokenizerException(file + ": field \"model.vocab\" is missing");
    }
    for (JsonNode added : spec.path("added_tokens")) {
      if (!added.path("content").isTextual() || !added.path("id").canConvertToInt()) {
        throw new TokenizerException(
            file + ": an entry of \"added_tokens\" lacks \"id\" or" + " \"content\": " + added);
      }
      vocab.put(added.get("content").asText(), added.get("id").asInt());
    }
    return Map.copyOf(vocab);
  }

  /** transformers' {@code clean_up_tokenization} (applied only where transformers applies it). */
  static String cleanUpTokenizationSpaces(String text) {
    return text.replace(" .", ".")
        .replace(" ?", "?")
        .replace(" !", "!")
        .replace(" ,", ",")
        .replace(" ' ", "'")
        .replace(" n't", "n't")
        .replace(" 'm", "'m")
        .replace(" 's", "'s")
        .replace(" 've", "'ve")
        .replace(" 're", "'re");
  }
}
