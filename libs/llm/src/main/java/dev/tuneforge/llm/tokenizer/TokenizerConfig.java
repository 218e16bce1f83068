package dev.tuneforge.llm.tokenizer;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.llm.io.Folders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The parts of a model's {@code tokenizer_config.json} that TuneForge uses, with HF's key names.
 *
 * <p>Special tokens are written either as a string or as a serialised {@code AddedToken} ({@code
 * {"content": "<s>", ...}}); both are accepted. A token missing from the config is looked up in
 * {@code special_tokens_map.json} as transformers does for older repositories. A missing {@code
 * tokenizer_config.json} is not an error (a bare {@code tokenizer.json} is a valid tokenizer); an
 * unreadable or malformed one is, and the message names the file and the field.
 *
 * @param addBosToken {@code add_bos_token} as written, or null; informational only — transformers
 *     5.x ignores it whenever {@code tokenizer.json} exists (its post-processor decides)
 * @param chatTemplates {@code chat_template}: a string becomes the entry "default", a list of
 *     {@code {"name","template"}} keeps its names, in file order; empty when absent
 */
public record TokenizerConfig(
    Path file,
    Optional<String> bosToken,
    Optional<String> eosToken,
    Optional<String> padToken,
    Optional<String> unkToken,
    Optional<Boolean> addBosToken,
    Optional<Boolean> addEosToken,
    OptionalLong modelMaxLength,
    boolean cleanUpTokenizationSpaces,
    boolean cleanUpForBpeAnyway,
    Map<String, String> chatTemplates) {

  public static final String FILE_NAME = "tokenizer_config.json";
  private static final String SPECIAL_TOKENS_MAP = "special_tokens_map.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Reads {@code tokenizer_config.json} in {@code modelDir}; all fields empty when it is absent.
   */
  public static TokenizerConfig read(Path modelDir) {
    Path file = modelDir.resolve(FILE_NAME);
    JsonNode root = Files.exists(file) ? parse(file) : JSON.createObjectNode();
    Path mapFile = modelDir.resolve(SPECIAL_TOKENS_MAP);
    JsonNode map = Files.exists(mapFile) ? parse(mapFile) : JSON.createObjectNode();
    return new TokenizerConfig(
        file,
        token(root, map, "bos_token", file, mapFile),
        token(root, map, "eos_token", file, mapFile),
        token(root, map, "pad_token", file, mapFile),
        token(root, map, "unk_token", file, mapFile),
        bool(root, "add_bos_token", file),
        bool(root, "add_eos_token", file),
        maxLength(root, file),
        bool(root, "clean_up_tokenization_spaces", file).orElse(false),
        bool(root, "clean_up_tokenization_spaces_for_bpe_even_though_it_will_corrupt_output", file)
            .orElse(false),
        chatTemplates(root.get("chat_template"), file));
  }

  private static JsonNode parse(Path file) {
    JsonNode node;
    try {
      // A FIFO or a link to /dev/zero would block or never end: regular, bounded files only.
      node = JSON.readTree(Folders.readText(file, file.getFileName().toString()));
    } catch (IllegalArgumentException e) {
      throw new TokenizerException(e.getMessage(), e);
    } catch (JacksonException e) {
      throw new TokenizerException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new TokenizerException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new TokenizerException(file + " must hold a JSON object");
    }
    return node;
  }

  private static Optional<String> token(
      JsonNode root, JsonNode map, String field, Path file, Path mapFile) {
    if (root.has(field)) {
      return tokenValue(root.get(field), field, file);
    }
    return map.has(field) ? tokenValue(map.get(field), field, mapFile) : Optional.empty();
  }

  private static Optional<String> tokenValue(JsonNode value, String field, Path file) {
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (value.isTextual()) {
      return Optional.of(value.asText());
    }
    if (value.isObject() && value.path("content").isTextual()) {
      return Optional.of(value.get("content").asText());
    }
    throw new TokenizerException(
        file
            + ": field \""
            + field
            + "\" must be a string or an AddedToken object with a string \"content\", got "
            + value);
  }

  private static Optional<Boolean> bool(JsonNode root, String field, Path file) {
    JsonNode value = root.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isBoolean()) {
      throw new TokenizerException(
          file + ": field \"" + field + "\" must be true or false, got " + value);
    }
    return Optional.of(value.asBoolean());
  }

  /** HF writes 1e30 (VERY_LARGE_INTEGER) for "no limit": anything beyond a long means none. */
  private static OptionalLong maxLength(JsonNode root, Path file) {
    JsonNode value = root.get("model_max_length");
    if (value == null || value.isNull()) {
      return OptionalLong.empty();
    }
    if (!value.isNumber()) {
      throw new TokenizerException(
          file + ": field \"model_max_length\" must be a number, got " + value);
    }
    if (value.canConvertToLong() && value.isIntegralNumber()) {
      return OptionalLong.of(value.asLong());
    }
    double d = value.asDouble();
    return d >= Long.MAX_VALUE || d < 0 ? OptionalLong.empty() : OptionalLong.of((long) d);
  }

  private static Map<String, String> chatTemplates(JsonNode value, Path file) {
    if (value == null || value.isNull()) {
      return Map.of();
    }
    Map<String, String> templates = new LinkedHashMap<>();
    if (value.isTextual()) {
      templates.put("default", value.asText());
    } else if (value.isArray()) {
      int i = 0;
      for (JsonNode entry : value) {
        if (!entry.path("name").isTextual() || !entry.path("template").isTextual()) {
          throw new TokenizerException(
              file
                  + ": field \"chat_template\"["
                  + i
                  + "] must be an object with string \"name\" and \"template\"");
        }
        templates.put(entry.get("name").asText(), entry.get("template").asText());
        i++;
      }
    } else {
      throw new TokenizerException(
          file
              + ": field \"chat_template\" must be a string or a list of"
              + " {\"name\", \"template\"} objects, got "
              + value.getNodeType());
    }
    return Collections.unmodifiableMap(templates);
  }
}
