package dev.tuneforge.llm.peft;

import dev.tuneforge.llm.io.TensorMismatch;
import dev.tuneforge.llm.lora.LoraWeights;
import dev.tuneforge.llm.safetensors.FloatTensor;
import dev.tuneforge.llm.safetensors.SafetensorsFile;
import dev.tuneforge.llm.safetensors.TensorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A LoRA adapter folder in PEFT layout, read into memory: {@code adapter_config.json} and {@code
 * adapter_model.safetensors} with PEFT's tensor names. Every tensor must be a {@code lora_A}/{@code
 * lora_B} pair of rank {@code r}; anything else (DoRA magnitudes, LoRA biases, embedding adapters,
 * saved modules) is refused by name.
 *
 * @param config the adapter's settings
 * @param weights A and B per HF module name, sorted by name
 */
public record PeftAdapter(AdapterConfig config, Map<String, LoraWeights> weights) {
  public static final String WEIGHTS_FILE = "adapter_model.safetensors";

  public PeftAdapter {
    weights = Collections.unmodifiableMap(new TreeMap<>(weights));
  }

  public static PeftAdapter read(Path dir) {
    Path configFile = dir.resolve(AdapterConfig.FILE);
    if (!Files.isRegularFile(configFile)) {
      throw new IllegalArgumentException("adapter folder " + dir + " has no " + AdapterConfig.FILE);
    }
    Path weightsFile = dir.resolve(WEIGHTS_FILE);
    if (!Files.isRegularFile(weightsFile)) {
      // adapter_model.bin is a pickle: SafetensorsFile.refusePickle explains why it is not read.
      if (Files.exists(dir.resolve("adapter_model.bin"))) {
        SafetensorsFile.refusePickle(dir.resolve("adapter_model.bin"));
      }
      throw new IllegalArgumentException("adapter folder " + dir + " has no " + WEIGHTS_FILE);
    }
    AdapterConfig config = AdapterConfig.read(configFile);
    int r = config.lora().r();
    Map<String, FloatTensor> as = new TreeMap<>();
    Map<String, FloatTensor> bs = new TreeMap<>();
    TensorMismatch m = new TensorMismatch();
    List<String> nonFinite = new ArrayList<>();
    try (SafetensorsFile f = SafetensorsFile.open(weightsFile)) {
      for (TensorInfo t : f.tensors().values()) {
        String module = PeftNames.module(t.name());
        if (module == null || t.shape().length != 2) {
          m.unexpected(t.name());
          continue;
        }
        boolean isA = t.name().endsWith(PeftNames.A_SUFFIX);
        long rank = isA ? t.shape()[0] : t.shape()[1];
        if (rank != r) {
          m.add("rank differs from r = " + r, t.name() + " " + t.shapeString());
        }
        float[] data = f.readFloats(t.name());
        if (!allFinite(data)) {
          nonFinite.add(t.name());
        }
        (isA ? as : bs).put(module, new FloatTensor(t.shape(), data));
      }
    }
    as.keySet().stream()
        .filter(mod -> !bs.containsKey(mod))
        .forEach(mod -> m.missing(PeftNames.loraB(mod)));
    bs.keySet().stream()
        .filter(mod -> !as.containsKey(mod))
        .forEach(mod -> m.missing(PeftNames.loraA(mod)));
    m.throwIfAny("adapter " + weightsFile + " is not a plain LoRA adapter:");
    if (!nonFinite.isEmpty()) {
      // an adapter is small and trained here or by PEFT: a NaN in it is corruption, never usable
      throw new IllegalArgumentException(
          "adapter "
              + weightsFile
              + " holds NaN or infinite values in "
              + TensorMismatch.summary(nonFinite)
              + "; refusing it");
    }
    Map<String, LoraWeights> weights = new TreeMap<>();
    as.forEach((mod, a) -> weights.put(mod, new LoraWeights(mod, a, bs.get(mod))));
    return new PeftAdapter(config, weights);
  }

  private static boolean allFinite(float[] data) {
    for (float v : data) {
      if (!Float.isFinite(v)) {
        return false;
      }
    }
    return true;
  }
}
