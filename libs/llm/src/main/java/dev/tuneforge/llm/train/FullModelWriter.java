package dev.tuneforge.llm.train;

import ai.djl.ndarray.NDArray;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.safetensors.DType;
import dev.tuneforge.llm.safetensors.FloatTensor;
import dev.tuneforge.llm.safetensors.SafetensorsCheckpoint;
import dev.tuneforge.llm.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Full fine-tuning's output: an HF model folder that Engine I loads. Every file of the base folder
 * except its weights (config.json, tokenizer files, chat template, generation config) is copied;
 * the weights go to one {@code model.safetensors} under their HF names in the base checkpoint's
 * dtype (BF16 rounded to nearest even).
 */
public final class FullModelWriter implements OutputWriter {

  private final Path baseModelDir;

  public FullModelWriter(Path baseModelDir) {
    this.baseModelDir = baseModelDir;
  }

  @Override
  public void write(CausalLM model, Path outputDir) {
    try (Stream<Path> files = Files.list(baseModelDir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String name = f.getFileName().toString();
        if (name.endsWith(".safetensors") || name.equals(SafetensorsCheckpoint.INDEX)) {
          continue;
        }
        Files.copy(f, outputDir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy the base model's files from " + baseModelDir, e);
    }
    SafetensorsWriter.write(
        outputDir.resolve(SafetensorsCheckpoint.SINGLE),
        tensors(model),
        DType.fromTorchName(model.storedDtype()));
  }

  /** Heap copies of every parameter by HF name. */
  static Map<String, FloatTensor> tensors(CausalLM model) {
    Map<String, FloatTensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
      out.put(
          e.getKey(),
          new FloatTensor(e.getValue().getShape().getShape(), e.getValue().toFloatArray()));
    }
    return out;
  }
}
