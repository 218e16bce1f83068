package dev.tuneforge.evaluator.testing;

import dev.tuneforge.evaluator.run.TinyTuning;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The demo base model and a LoRA adapter trained on "Double of three" → "six" ({@link TinyTuning}),
 * built once per test JVM and shared by the service tests (training costs seconds; every test class
 * publishes them under its own names).
 */
public final class TinyModels {
  private static Path base;
  private static Path adapter;

  private TinyModels() {}

  public static synchronized Path base() {
    build();
    return base;
  }

  public static synchronized Path adapter() {
    build();
    return adapter;
  }

  private static void build() {
    if (base != null) {
      return;
    }
    try {
      Path dir = Files.createTempDirectory("tiny-models-");
      base = TinyTuning.baseModel(dir);
      adapter = TinyTuning.adapter(dir, base, 150, 0.005);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
