package dev.tuneforge.llm.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.llm.config.ModelConfig;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.safetensors.DType;
import dev.tuneforge.llm.safetensors.FloatTensor;
import dev.tuneforge.llm.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A freshly initialised model in HF layout, the start of training from scratch: HF's {@code
 * _init_weights} for Llama-style models (every matrix normal(0, initializer_range), norm weights
 * 1), drawn from a seeded generator so the same seed gives the same bytes.
 */
public final class ModelInit {

  private ModelInit() {}

  /** Writes {@code config.json} and {@code model.safetensors} (float32) into {@code dir}. */
  public static Path write(Path dir, ObjectNode configJson, long seed) {
    ModelConfig c = ModelConfig.parse(configJson.toString());
    double std = configJson.path("initializer_range").asDouble(0.02);
    Map<String, long[]> shapes = ModelLoader.architecture(c.modelType()).expectedTensors(c);
    SplittableRandom rng = new SplittableRandom(seed);
    Map<String, FloatTensor> tensors = new LinkedHashMap<>();
    shapes.forEach(
        (name, shape) -> {
          long n = 1;
          for (long d : shape) {
            n *= d;
          }
          float[] data = new float[Math.toIntExact(n)];
          boolean norm = shape.length == 1 && name.endsWith("norm.weight");
          for (int i = 0; i < data.length; i++) {
            data[i] = norm ? 1f : shape.length == 1 ? 0f : (float) (std * gaussian(rng));
          }
          tensors.put(name, new FloatTensor(shape, data));
        });
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("config.json"), configJson.toPrettyString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir, e);
    }
    SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors, DType.F32);
    return dir;
  }

  /** Box–Muller, so the values depend only on the generator (not on a JDK's nextGaussian). */
  private static double gaussian(SplittableRandom rng) {
    double u1 = rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
  }
}
