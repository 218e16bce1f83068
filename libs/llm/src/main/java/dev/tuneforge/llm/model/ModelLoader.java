package dev.tuneforge.llm.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tuneforge.llm.config.ModelConfig;
import dev.tuneforge.llm.config.ModelType;
import dev.tuneforge.llm.io.TensorMismatch;
import dev.tuneforge.llm.safetensors.NDArrayReader;
import dev.tuneforge.llm.safetensors.SafetensorsCheckpoint;
import dev.tuneforge.llm.safetensors.SafetensorsFile;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Loads a Hugging Face model folder: {@code config.json} → {@link ModelConfig} (every size checked)
 * → the family's {@link Architecture} (registered in {@link ModelType}) → the memory the model will
 * need checked against what the process may use ({@link MemoryBudget}) → checkpoint validated
 * against the family's tensor table → weights widened to float32 on the device DJL picks (GPU when
 * present). Nothing is allocated before the config, the memory estimate and the tensor table have
 * passed. Non-finite values in a base weight are warned about, naming the tensor.
 */
public final class ModelLoader {
  private ModelLoader() {}

  /**
   * The per-token KV cache the default memory check reserves for, when the caller names no length.
   */
  public static final int DEFAULT_CONTEXT_TOKENS = 4096;

  /**
   * How to load.
   *
   * @param contextTokens tokens (batch × length) of KV cache to count in the memory check; 0 =
   *     {@code min(max_position_embeddings, }{@value #DEFAULT_CONTEXT_TOKENS}{@code )}
   * @param memoryLimitBytes the bytes the model may take; 0 = {@link MemoryBudget#limitBytes()}
   * @param warnings receives warnings (non-finite base weights); never null
   */
  public record Options(long contextTokens, long memoryLimitBytes, Consumer<String> warnings) {
    private static final System.Logger LOG = System.getLogger(ModelLoader.class.getName());

    public static Options defaults() {
      return new Options(0, 0, m -> LOG.log(System.Logger.Level.WARNING, m));
    }

    public Options withContextTokens(long tokens) {
      return new Options(tokens, memoryLimitBytes, warnings);
    }

    public Options withMemoryLimit(long bytes) {
      return new Options(contextTokens, bytes, warnings);
    }

    public Options withWarnings(Consumer<String> sink) {
      return new Options(contextTokens, memoryLimitBytes, sink);
    }
  }

  public static Architecture architecture(ModelType type) {
    return type.architecture();
  }

  public static ModelConfig config(ModelSource source) {
    return ModelConfig.read(source.resolve("config.json"));
  }

  public static CausalLM load(ModelSource source) {
    return load(source, Placement.device(), LinearFactory.plain());
  }

  public static CausalLM load(ModelSource source, Device device, LinearFactory linears) {
    return load(source, device, linears, Options.defaults());
  }

  public static CausalLM load(
      ModelSource source, Device device, LinearFactory linears, Options options) {
    ModelConfig config = config(source);
    Architecture arch = config.modelType().architecture();
    arch.validate(config);
    checkMemory(source, config, arch, linears, options);
    try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(source)) {
      Map<String, long[]> expected = arch.expectedTensors(config);
      ckpt.validate(expected, name -> arch.ignorable(name, config));
      List<String> nonFinite = new ArrayList<>();
      NDManager manager = NDManager.newBaseManager(device);
      try {
        CausalLM model =
            CausalLM.build(
                config,
                arch,
                name -> {
                  // One tensor at a time, widened to float32 natively; over 2 GiB in row chunks.
                  // Each
                  // float32 buffer is checked for NaN/inf before the engine copies it.
                  boolean[] finite = {true};
                  NDArray a =
                      NDArrayReader.read(
                          ckpt,
                          name,
                          manager,
                          SafetensorsFile.DEFAULT_CHUNK_BYTES,
                          floats -> finite[0] &= allFinite(floats));
                  if (!finite[0]) {
                    nonFinite.add(name);
                  }
                  a.setName(name);
                  return a;
                },
                linears,
                manager,
                ckpt.storedDtype().torchName());
        if (!nonFinite.isEmpty()) {
          options
              .warnings()
              .accept(
                  "warning: "
                      + source.describe()
                      + " holds NaN or infinite values in "
                      + TensorMismatch.summary(nonFinite)
                      + "; outputs that depend on them will not be numbers");
        }
        return model;
      } catch (RuntimeException e) {
        manager.close();
        throw e;
      }
    }
  }

  /** The memory check of {@link #load}, on the config alone: nothing is read or allocated. */
  public static MemoryBudget.Estimate checkMemory(
      ModelSource source,
      ModelConfig config,
      Architecture arch,
      LinearFactory linears,
      Options options) {
    long tokens =
        options.contextTokens() > 0
            ? options.contextTokens()
            : Math.min(config.maxPositionEmbeddings(), DEFAULT_CONTEXT_TOKENS);
    MemoryBudget.Estimate e = MemoryBudget.estimate(config, arch, linears, tokens);
    long limit =
        options.memoryLimitBytes() > 0 ? options.memoryLimitBytes() : MemoryBudget.limitBytes();
    MemoryBudget.require(e, limit, "model " + source.describe());
    return e;
  }

  /** Whether every float32 of {@code data} (native order, position 0) is finite. */
  static boolean allFinite(ByteBuffer data) {
    FloatBuffer f = data.duplicate().order(data.order()).asFloatBuffer();
    for (int i = 0, n = f.limit(); i < n; i++) {
      if (!Float.isFinite(f.get(i))) {
        return false;
      }
    }
    return true;
  }
}
