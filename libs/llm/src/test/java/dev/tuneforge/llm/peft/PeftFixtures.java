package dev.tuneforge.llm.peft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.llm.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The PEFT adapters built by {@code src/test/python/make_peft_adapters.py}, with their base models.
 */
public final class PeftFixtures {
  /** adapter folder name → base reference model name. */
  public static final String[][] ADAPTERS = {
    {"llama3-lora", "llama3-bf16"},
    {"qwen3-lora-all-linear-rs", "qwen3-bf16"},
    {"mistral-lora", "mistral-f32"},
  };

  private PeftFixtures() {}

  public static Path adapter(String name) {
    return Fixtures.reference(ADAPTERS[0][1]).getParent().getParent().resolve("peft").resolve(name);
  }

  public static JsonNode expected(String name) {
    try {
      return new ObjectMapper().readTree(Files.readString(adapter(name).resolve("expected.json")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies an adapter folder so a test can alter it. */
  public static Path copy(String name, Path dir) {
    try {
      Files.createDirectories(dir);
      for (String f : new String[] {AdapterConfig.FILE, PeftAdapter.WEIGHTS_FILE}) {
        Files.copy(adapter(name).resolve(f), dir.resolve(f));
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
