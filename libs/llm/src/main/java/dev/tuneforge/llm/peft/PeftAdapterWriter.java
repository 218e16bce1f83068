package dev.tuneforge.llm.peft;

import ai.djl.ndarray.NDArray;
import dev.tuneforge.llm.lora.LoraLinear;
import dev.tuneforge.llm.safetensors.DType;
import dev.tuneforge.llm.safetensors.FloatTensor;
import dev.tuneforge.llm.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes LoRA layers as a PEFT adapter folder: {@code adapter_model.safetensors} (float32, PEFT's
 * names, sorted as PEFT sorts them) first, {@code adapter_config.json} last, so a folder with a
 * config is complete.
 */
public final class PeftAdapterWriter {
  private PeftAdapterWriter() {}

  public static void write(Path dir, AdapterConfig config, List<LoraLinear> layers) {
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("no LoRA layers to write: target_modules matched nothing");
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    Map<String, FloatTensor> tensors = new TreeMap<>();
    List<String> modules = new ArrayList<>();
    for (LoraLinear l : layers) {
      modules.add(l.name());
      tensors.put(PeftNames.loraA(l.name()), floats(l.loraA())); // [r, in]
      tensors.put(PeftNames.loraB(l.name()), floats(l.loraB())); // [out, r]
    }
    SafetensorsWriter.write(
        dir.resolve(PeftAdapter.WEIGHTS_FILE),
        new LinkedHashMap<>(tensors),
        DType.F32,
        Map.of("format", "pt"));
    config.write(dir.resolve(AdapterConfig.FILE), modules);
  }

  private static FloatTensor floats(NDArray a) {
    float[] data =
        a.getDataType() == ai.djl.ndarray.types.DataType.FLOAT32
            ? a.toFloatArray()
            : a.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
    return new FloatTensor(a.getShape().getShape(), data);
  }
}
