package dev.tuneforge.llm.export.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.llm.config.ModelConfig;
import dev.tuneforge.llm.tokenizer.Tokenizer;
import dev.tuneforge.llm.tokenizer.TokenizerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The {@code tokenizer.*} metadata of a byte-level BPE tokenizer ({@code tokenizer.json}), written
 * as llama.cpp's converter writes it ({@code _set_vocab_gpt2} + {@code SpecialVocab}):
 *
 * <ul>
 *   <li>{@code tokenizer.ggml.model = "gpt2"}, {@code tokenizer.ggml.pre} chosen from the
 *       pre-tokenizer's structure (see {@link #preTokenizer});
 *   <li>{@code tokens} for every id below config.json's {@code vocab_size}, ids the tokenizer lacks
 *       named {@code [PADi]}; {@code token_type}: added tokens that are special (or look special,
 *       {@code <|…|>}) CONTROL = 3, other added tokens USER_DEFINED = 4, missing ids UNUSED = 5,
 *       the rest NORMAL = 1; no scores (byte-level BPE has none; llama.cpp ranks by merges);
 *   <li>{@code merges} as {@code "a b"} strings, a space inside a part written as U+0120 as gguf-py
 *       does;
 *   <li>special ids from tokenizer_config.json, else config.json ({@code bos/eos/pad/unk}); {@code
 *       add_bos_token} / {@code add_eos_token} as the tokenizer actually behaves (a probe encoded
 *       with and without special tokens), since transformers 5 follows the post-processor rather
 *       than the config flags;
 *   <li>{@code tokenizer.chat_template} (the default template) and, for named templates, {@code
 *       tokenizer.chat_template.NAME} plus the list {@code tokenizer.chat_templates}.
 * </ul>
 */
final class GgufVocab {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int NORMAL = 1;
  static final int CONTROL = 3;
  static final int USER_DEFINED = 4;
  static final int UNUSED = 5;

  /** Llama 3's Split regex (llama.cpp LLAMA_VOCAB_PRE_TYPE_LLAMA3, name "llama-bpe"). */
  static final String LLAMA3_REGEX =
      "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
          + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

  /** Qwen2's Split regex (llama.cpp LLAMA_VOCAB_PRE_TYPE_QWEN2, name "qwen2"). */
  static final String QWEN2_REGEX =
      "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
          + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

  private GgufVocab() {}

  static Map<String, GgufValue> metadata(Path folder, ModelConfig config) {
    Path file = folder.resolve(Tokenizer.TOKENIZER_FILE);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "model folder "
              + folder
              + " has no "
              + Tokenizer.TOKENIZER_FILE
              + " (GGUF export embeds the tokenizer)");
    }
    JsonNode spec = readJson(file);
    JsonNode model = spec.path("model");
    if (!"BPE".equals(model.path("type").asText())) {
      throw new IllegalArgumentException(
          file
              + ": model.type is '"
              + model.path("type").asText()
              + "'; GGUF export supports byte-level BPE tokenizers (tokenizer.ggml.model gpt2)");
    }
    String pre = preTokenizer(spec.path("pre_tokenizer"), file);

    // id → token and token → id, vocabulary and added tokens
    Map<Integer, String> byId = new TreeMap<>();
    Map<String, Integer> ids = new HashMap<>();
    model
        .path("vocab")
        .fields()
        .forEachRemaining(
            e -> {
              byId.put(e.getValue().asInt(), e.getKey());
              ids.put(e.getKey(), e.getValue().asInt());
            });
    Map<Integer, Boolean> added = new HashMap<>(); // id → special
    for (JsonNode a : spec.path("added_tokens")) {
      int id = a.path("id").asInt();
      byId.put(id, a.path("content").asText());
      ids.put(a.path("content").asText(), id);
      added.put(id, a.path("special").asBoolean(false));
    }
    int n = config.vocabSize();
    int maxId = byId.isEmpty() ? -1 : ((TreeMap<Integer, String>) byId).lastKey();
    if (maxId >= n) {
      throw new IllegalArgumentException(
          file + " has token id " + maxId + " but config.json vocab_size is " + n);
    }
    List<String> tokens = new ArrayList<>(n);
    int[] types = new int[n];
    for (int i = 0; i < n; i++) {
      String t = byId.get(i);
      if (t == null) {
        tokens.add("[PAD" + i + "]");
        types[i] = UNUSED;
      } else {
        tokens.add(t);
        Boolean special = added.get(i);
        types[i] = special == null ? NORMAL : special || looksSpecial(t) ? CONTROL : USER_DEFINED;
      }
    }

    Map<String, GgufValue> out = new LinkedHashMap<>();
    out.put("tokenizer.ggml.model", GgufValue.string("gpt2"));
    out.put("tokenizer.ggml.pre", GgufValue.string(pre));
    out.put("tokenizer.ggml.tokens", GgufValue.strings(tokens));
    out.put("tokenizer.ggml.token_type", GgufValue.int32s(types));
    out.put("tokenizer.ggml.merges", GgufValue.strings(merges(model.path("merges"), file)));

    TokenizerConfig tc = TokenizerConfig.read(folder);
    JsonNode rawConfig = readJson(folder.resolve("config.json"));
    putId(
        out,
        "tokenizer.ggml.bos_token_id",
        tc.bosToken().map(ids::get).orElse(null),
        rawConfig,
        "bos_token_id",
        n);
    putId(
        out,
        "tokenizer.ggml.eos_token_id",
        tc.eosToken().map(ids::get).orElse(null),
        rawConfig,
        "eos_token_id",
        n);
    putId(
        out,
        "tokenizer.ggml.unknown_token_id",
        tc.unkToken().map(ids::get).orElse(null),
        rawConfig,
        "unk_token_id",
        n);
    putId(
        out,
        "tokenizer.ggml.padding_token_id",
        tc.padToken().map(ids::get).orElse(null),
        rawConfig,
        "pad_token_id",
        n);

    try (Tokenizer tok = Tokenizer.load(folder)) {
      int[] plain = tok.encode("a", false);
      int[] withSpecial = tok.encode("a", true);
      OptionalInt bos = tok.bosId();
      int[] eos = tok.eosIds();
      boolean addBos =
          withSpecial.length > plain.length && bos.isPresent() && withSpecial[0] == bos.getAsInt();
      boolean addEos =
          withSpecial.length > plain.length
              && eos.length > 0
              && withSpecial[withSpecial.length - 1] == eos[0];
      out.put("tokenizer.ggml.add_bos_token", GgufValue.bool(addBos));
      out.put("tokenizer.ggml.add_eos_token", GgufValue.bool(addEos));
    }

    Map<String, String> templates = chatTemplates(folder, tc);
    List<String> names = new ArrayList<>();
    for (Map.Entry<String, String> t : templates.entrySet()) {
      if (t.getKey().equals("default")) {
        out.put("tokenizer.chat_template", GgufValue.string(t.getValue()));
      } else {
        String name = t.getKey().replaceAll("[^A-Za-z0-9_]", "_").toLowerCase(Locale.ROOT);
        names.add(name);
        out.put("tokenizer.chat_template." + name, GgufValue.string(t.getValue()));
      }
    }
    if (!names.isEmpty()) {
      out.put("tokenizer.chat_templates", GgufValue.strings(names));
    }
    return out;
  }

  /**
   * The llama.cpp pre-tokenizer whose regex is exactly this tokenizer's: ByteLevel with its own
   * (GPT-2) regex → {@code gpt-2}; a Split on Llama 3's or Qwen2's regex followed by ByteLevel
   * without regex → {@code llama-bpe} / {@code qwen2}. Anything else is refused: a wrong choice
   * would tokenize differently without any error in llama.cpp.
   */
  static String preTokenizer(JsonNode pre, Path file) {
    if (isByteLevel(pre, true)) {
      return "gpt-2";
    }
    if ("Sequence".equals(pre.path("type").asText())
        && pre.path("pretokenizers").size() == 2
        && isByteLevel(pre.path("pretokenizers").get(1), false)) {
      JsonNode split = pre.path("pretokenizers").get(0);
      String regex = split.path("pattern").path("Regex").asText(null);
      if ("Split".equals(split.path("type").asText())
          && regex != null
          && "Isolated".equals(split.path("behavior").asText())
          && !split.path("invert").asBoolean(false)) {
        if (regex.equals(LLAMA3_REGEX)) {
          return "llama-bpe";
        }
        if (regex.equals(QWEN2_REGEX)) {
          return "qwen2";
        }
      }
    }
    throw new IllegalArgumentException(
        file
            + ": pre_tokenizer "
            + pre
            + " is not one llama.cpp is known to reproduce here (ByteLevel with GPT-2 regex, or a Split on"
            + " Llama 3's or Qwen2's regex followed by ByteLevel)");
  }

  private static boolean isByteLevel(JsonNode n, boolean useRegex) {
    return "ByteLevel".equals(n.path("type").asText())
        && n.path("use_regex").asBoolean(true) == useRegex
        && !n.path("add_prefix_space").asBoolean(false);
  }

  /**
   * As transformers' converter: {@code <|…|>} and a few known names are control tokens even if not
   * marked special.
   */
  static boolean looksSpecial(String t) {
    return t.equals("<pad>")
        || t.equals("<mask>")
        || (t.startsWith("<|") && t.endsWith("|>"))
        || (t.startsWith("<｜") && t.endsWith("｜>"))
        || (t.startsWith("<unused") && t.endsWith(">"));
  }

  private static List<String> merges(JsonNode merges, Path file) {
    List<String> out = new ArrayList<>();
    for (JsonNode m : merges) {
      if (m.isTextual()) {
        out.add(m.asText());
      } else if (m.isArray() && m.size() == 2) {
        out.add(spaceless(m.get(0).asText()) + " " + spaceless(m.get(1).asText()));
      } else {
        throw new IllegalArgumentException(
            file + ": model.merges entry " + m + " is neither \"a b\" nor [a, b]");
      }
    }
    return out;
  }

  /** gguf-py's encoding of a space inside a merge part: U+0020 + 256 = U+0120. */
  private static String spaceless(String part) {
    return part.replace(' ', '\u0120');
  }

  private static void putId(
      Map<String, GgufValue> out,
      String key,
      Integer fromTokenizer,
      JsonNode config,
      String configKey,
      int n) {
    Integer id = fromTokenizer;
    if (id == null) {
      JsonNode v = config.get(configKey);
      if (v != null && v.isArray() && !v.isEmpty()) {
        v = v.get(0);
      }
      id = v != null && v.isIntegralNumber() ? v.asInt() : null;
    }
    if (id != null && id >= 0 && id < n) {
      out.put(key, GgufValue.uint32(id));
    }
  }

  /**
   * chat_template.jinja (+ additional_chat_templates/*.jinja) when present, else
   * tokenizer_config.json's.
   */
  private static Map<String, String> chatTemplates(Path folder, TokenizerConfig tc) {
    Path jinja = folder.resolve("chat_template.jinja");
    if (!Files.isRegularFile(jinja)) {
      return tc.chatTemplates();
    }
    Map<String, String> out = new LinkedHashMap<>();
    try {
      out.put("default", Files.readString(jinja));
      Path extra = folder.resolve("additional_chat_templates");
      if (Files.isDirectory(extra)) {
        try (Stream<Path> s = Files.list(extra)) {
          for (Path p : s.filter(p -> p.toString().endsWith(".jinja")).sorted().toList()) {
            String name = p.getFileName().toString();
            out.put(name.substring(0, name.length() - ".jinja".length()), Files.readString(p));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the chat templates of " + folder, e);
    }
    return out;
  }

  private static JsonNode readJson(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
