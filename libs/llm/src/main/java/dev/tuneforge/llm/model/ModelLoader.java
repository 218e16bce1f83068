package dev.tuneforge.llm.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tuneforge.llm.config.ModelConfig;
import dev.tuneforge.llm.config.ModelType;
import dev.tuneforge.llm.model.llama.LlamaArchitecture;
import dev.tuneforge.llm.model.mistral.MistralArchitecture;
import dev.tuneforge.llm.model.qwen2.Qwen2Architecture;
import dev.tuneforge.llm.model.qwen3.Qwen3Architecture;
import dev.tuneforge.llm.safetensors.NDArrayReader;
import dev.tuneforge.llm.safetensors.SafetensorsCheckpoint;
import java.util.Map;

/**
 * Loads a Hugging Face model folder: {@code config.json} → {@link ModelConfig} → the family's
 * {@link Architecture} → checkpoint validated against its tensor table → weights widened to float32
 * on the device DJL picks (GPU when present).
 */
public final class ModelLoader {
  private ModelLoader() {}

  public static Architecture architecture(ModelType type) {
    return switch (type) {
      case LLAMA -> new LlamaArchitecture();
      case MISTRAL -> new MistralArchitecture();
      case QWEN2 -> new Qwen2Architecture();
      case QWEN3 -> new Qwen3Architecture();
    };
  }

  public static ModelConfig config(ModelSource source) {
    return ModelConfig.read(source.resolve("config.json"));
  }

  public static CausalLM load(ModelSource source) {
    return load(source, Engine.getInstance().defaultDevice(), LinearFactory.plain());
  }

  public static CausalLM load(ModelSource source, Device device, LinearFactory linears) {
    ModelConfig config = config(source);
    Architecture arch = architecture(config.modelType());
    arch.validate(config);
    try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(source)) {
      Map<String, long[]> expected = arch.expectedTensors(config);
      ckpt.validate(expected, name -> arch.ignorable(name, config));
      NDManager manager = NDManager.newBaseManager(device);
      try {
        return CausalLM.build(config, arch, name -> {
          // One tensor at a time, widened to float32 natively; over 2 GiB in row chunks.
          NDArray a = NDArrayReader.read(ckpt, name, manager);
          a.setName(name);
          return a;
        }, linears, manager, ckpt.storedDtype().torchName());
      } catch (RuntimeException e) {
        manager.close();
        throw e;
      }
    }
  }
}
