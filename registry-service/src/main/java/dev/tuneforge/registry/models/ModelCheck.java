package dev.tuneforge.registry.models;

import dev.tuneforge.llm.config.ModelConfig;
import dev.tuneforge.llm.model.Architecture;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.safetensors.SafetensorsCheckpoint;
import dev.tuneforge.llm.template.ChatTemplate;
import dev.tuneforge.llm.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Whether the engine can use a base model folder, checked the way training loads it: {@code
 * config.json} of a supported architecture, every tensor the architecture expects present with its
 * shape (and the safetensors headers consistent with the files), the tokenizer and the chat
 * template loading. The first failure is the reason, prefixed with the step it failed in (for the
 * weights, with the checkpoint's files); the engine's own message names the file or tensor.
 */
public final class ModelCheck {
  private ModelCheck() {}

  /** What a check found: the architecture when usable, else the reason. */
  public record Result(String architecture, String rejection) {
    public boolean usable() {
      return rejection == null;
    }
  }

  public static Result check(Path dir) {
    String step = "config.json";
    try {
      LocalModelSource source = new LocalModelSource(dir);
      ModelConfig config = ModelLoader.config(source);
      Architecture arch = ModelLoader.architecture(config.modelType());
      arch.validate(config);
      step = "weights in " + weightFiles(dir);
      try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(source)) {
        ckpt.validate(arch.expectedTensors(config), n -> arch.ignorable(n, config));
      }
      step = Tokenizer.TOKENIZER_FILE;
      try (Tokenizer tokenizer = Tokenizer.load(dir)) {
        tokenizer.encode("hello");
      }
      step = "chat template";
      ChatTemplate.load(dir);
      return new Result(config.modelType().hfName(), null);
    } catch (RuntimeException e) {
      return new Result(null, step + ": " + e.getMessage());
    }
  }

  /**
   * The checkpoint's files by name, so a reason about a missing tensor also says where it was
   * looked for.
   */
  private static String weightFiles(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      List<String> names =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".safetensors") || n.endsWith(".safetensors.index.json"))
              .sorted()
              .toList();
      return names.isEmpty() ? "(no .safetensors file)" : String.join(", ", names);
    } catch (IOException e) {
      return dir.toString();
    }
  }
}
