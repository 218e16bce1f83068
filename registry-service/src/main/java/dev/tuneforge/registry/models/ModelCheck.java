package dev.tuneforge.registry.models;

import dev.tuneforge.llm.config.ModelConfig;
import dev.tuneforge.llm.model.Architecture;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.safetensors.SafetensorsCheckpoint;
import dev.tuneforge.llm.template.ChatTemplate;
import dev.tuneforge.llm.tokenizer.Tokenizer;
import java.nio.file.Path;

/**
 * Whether the engine can use a base model folder, checked the way training loads it: {@code
 * config.json} of a supported architecture, every tensor the architecture expects present with its
 * shape (and the safetensors headers consistent with the files), the tokenizer and the chat
 * template loading. The first failure is the reason, prefixed with the step it failed in; the
 * engine's own message names the file or tensor.
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
      step = "weights";
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
}
