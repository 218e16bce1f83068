package dev.tuneforge.llm.peft;

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
 * A LoRA adapter folder in PEFT layout, read into memory: {@code adapter_config.json} and
 * {@code adapter_model.safetensors} with PEFT's tensor names. Every tensor must be a
 * {@code lora_A}/{@code lora_B} pair of rank {@code r}; anything else (DoRA magnitudes, LoRA
 * biases, embedding adapters, saved modules) is refused by name.
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
    List<String> unexpected = new ArrayList<>();
    List<String> wrongRank = new ArrayList<>();
    try (SafetensorsFile f = SafetensorsFile.open(weightsFile)) {
      for (TensorInfo t : f.tensors().values()) {
        String module = PeftNames.module(t.name());
        if (module == null || t.shape().length != 2) {
          unexpected.add(t.name());
          continue;
        }
        boolean isA = t.name().endsWith(PeftNames.A_SUFFIX);
        long rank = isA ? t.shape()[0] : t.shape()[1];
        if (rank != r) {
          wrongRank.add(t.name() + " " + t.shapeString());
        }
        (isA ? as : bs).put(module, new FloatTensor(t.shape(), f.readFloats(t.name())));
      }
    }
    List<String> missing = new ArrayList<>();
    as.keySet().stream().filter(m -> !bs.containsKey(m)).forEach(m -> missing.add(PeftNames.loraB(m)));
    bs.keySet().stream().filter(m -> !as.containsKey(m)).forEach(m -> missing.add(PeftNames.loraA(m)));
    if (!unexpected.isEmpty() || !wrongRank.isEmpty() || !missing.isEmpty()) {
      StringBuilder sb = new StringBuilder("adapter " + weightsFile + " is not a plain LoRA adapter:");
      if (!missing.isEmpty()) {
        sb.append("\n  missing tensors: ").append(String.join(", ", missing));
      }
      if (!wrongRank.isEmpty()) {
        sb.append("\n  rank differs from r = ").append(r).append(": ").append(String.join(", ", wrongRank));
      }
      if (!unexpected.isEmpty()) {
        sb.append("\n  unexpected tensors: ").append(String.join(", ", unexpected));
      }
      throw new IllegalArgumentException(sb.toString());
    }
    Map<String, LoraWeights> weights = new TreeMap<>();
    as.forEach((m, a) -> weights.put(m, new LoraWeights(m, a, bs.get(m))));
    return new PeftAdapter(config, weights);
  }
}
