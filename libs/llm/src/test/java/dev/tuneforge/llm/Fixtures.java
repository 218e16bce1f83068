package dev.tuneforge.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The reference models built by {@code src/test/python/make_reference_models.py}. */
public final class Fixtures {
  public static final String[] REFERENCE_MODELS = {
    "llama3-bf16", "mistral-f32", "qwen2-bf16", "qwen3-bf16"
  };

  private Fixtures() {}

  public static Path reference(String name) {
    try {
      return Path.of(Fixtures.class.getResource("/reference/" + name + "/config.json").toURI())
          .getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  public static JsonNode expected(String name) {
    try {
      return new ObjectMapper()
          .readTree(Files.readString(reference(name).resolve("expected.json")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }
}
