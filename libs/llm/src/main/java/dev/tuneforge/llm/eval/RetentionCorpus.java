package dev.tuneforge.llm.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * General text a fine-tuned model should still predict as well as its base: the forgetting check
 * scores both on it. A base model folder may carry its own as {@value #FILE} (JSONL, one {@code
 * {"text": ...}} per line) beside {@code config.json}; the project's demo base model writes a slice
 * of its own training corpus there, so the default travels with the model.
 */
public record RetentionCorpus(String source, List<String> texts) {
  /** The file name inside a base model folder. */
  public static final String FILE = "retention.jsonl";

  private static final ObjectMapper JSON = new ObjectMapper();

  public RetentionCorpus {
    texts = List.copyOf(texts);
    if (texts.isEmpty()) {
      throw new IllegalArgumentException(source + ": a retention corpus needs at least one text");
    }
  }

  /** The corpus a base model folder carries, if any. */
  public static Optional<RetentionCorpus> forBaseModel(Path modelDir) {
    Path file = modelDir.resolve(FILE);
    return Files.isRegularFile(file) ? Optional.of(read(file)) : Optional.empty();
  }

  /** Reads JSONL {@code {"text": ...}} records; a bad line is named by its number. */
  public static RetentionCorpus read(Path file) {
    try {
      return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read retention corpus " + file, e);
    }
  }

  public static RetentionCorpus parse(String source, String jsonl) {
    List<String> texts = new ArrayList<>();
    String[] lines = jsonl.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty()) {
        continue;
      }
      String at = source + " line " + (i + 1);
      JsonNode node;
      try {
        node = JSON.readTree(line);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(at + ": not valid JSON: " + e.getOriginalMessage());
      }
      JsonNode text = node == null ? null : node.get("text");
      if (text == null || !text.isTextual() || text.asText().isEmpty()) {
        throw new IllegalArgumentException(at + ": 'text' must be a non-empty string");
      }
      texts.add(text.asText());
    }
    return new RetentionCorpus(source, texts);
  }

  /** Writes the corpus as JSONL into a base model folder. */
  public static void write(Path modelDir, List<String> texts) {
    StringBuilder sb = new StringBuilder();
    for (String t : texts) {
      sb.append(JSON.createObjectNode().put("text", t)).append('\n');
    }
    try {
      Files.writeString(modelDir.resolve(FILE), sb, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + modelDir.resolve(FILE), e);
    }
  }
}
