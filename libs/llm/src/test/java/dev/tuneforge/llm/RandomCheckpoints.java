package dev.tuneforge.llm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.llm.config.ModelConfig;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.safetensors.DType;
import dev.tuneforge.llm.safetensors.FloatTensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Writes small random models in HF layout ({@code config.json} + safetensors) with the project's
 * writer.
 */
public final class RandomCheckpoints {
  private RandomCheckpoints() {}

  /**
   * A tiny config.json body for {@code modelType}: hidden 64, 2 layers, 4 heads, 2 kv heads, vocab
   * 300.
   */
  public static ObjectNode tinyConfig(String modelType) {
    ObjectNode c = new ObjectMapper().createObjectNode();
    c.put("model_type", modelType);
    c.put("hidden_size", 64);
    c.put("num_hidden_layers", 2);
    c.put("num_attention_heads", 4);
    c.put("num_key_value_heads", 2);
    c.put("intermediate_size", 96);
    c.put("vocab_size", 300);
    c.put("rms_norm_eps", 1e-5);
    c.put("rope_theta", 10000.0);
    c.put("max_position_embeddings", 256);
    c.put("tie_word_embeddings", false);
    c.put("bos_token_id", 0);
    c.put("eos_token_id", 1);
    c.put("torch_dtype", "float32");
    if (modelType.equals("qwen3")) {
      c.put("head_dim", 32);
    }
    return c;
  }

  /**
   * Writes {@code config} and random weights for every tensor the engine expects; returns the
   * folder.
   */
  public static Path write(Path dir, ObjectNode config, DType dtype, long seed) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("config.json"), config.toPrettyString());
      ModelConfig c = ModelConfig.parse(config.toString());
      Map<String, long[]> shapes = ModelLoader.architecture(c.modelType()).expectedTensors(c);
      dev.tuneforge.llm.safetensors.SafetensorsWriter.write(
          dir.resolve("model.safetensors"), randomTensors(shapes, seed), dtype);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Map<String, FloatTensor> randomTensors(Map<String, long[]> shapes, long seed) {
    Random r = new Random(seed);
    Map<String, FloatTensor> out = new LinkedHashMap<>();
    shapes.forEach(
        (name, shape) -> {
          int n = 1;
          for (long d : shape) {
            n *= (int) d;
          }
          float[] data = new float[n];
          double scale =
              name.endsWith("norm.weight")
                  ? 0.2
                  : shape.length == 2 ? 2.0 / Math.sqrt(shape[1]) : 0.3;
          for (int i = 0; i < n; i++) {
            data[i] =
                (float) ((name.endsWith("norm.weight") ? 1.0 : 0.0) + scale * r.nextGaussian());
          }
          if (name.contains("embed_tokens")) {
            for (int i = 0; i < n; i++) {
              data[i] = (float) r.nextGaussian();
            }
          }
          out.put(name, new FloatTensor(shape, data));
        });
    return out;
  }
}
