package dev.tuneforge.evaluator.service;

import dev.tuneforge.evaluator.run.EvalModel;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.peft.AdapterConfig;
import dev.tuneforge.llm.peft.AdapterLoader;
import dev.tuneforge.llm.template.ChatTemplate;
import dev.tuneforge.llm.tokenizer.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A model loaded for evaluation or chat: the network, its tokenizer and its own chat template. A
 * tuned model is either a PEFT adapter folder applied to its base, or a full model folder (full
 * fine-tuning) in HF layout; the tokenizer and template come from the tuned folder when it has
 * them, else from the base.
 */
public record LoadedModel(CausalLM model, Tokenizer tokenizer, ChatTemplate template)
    implements AutoCloseable {

  public static LoadedModel base(Path baseDir) {
    Tokenizer tokenizer = Tokenizer.load(baseDir);
    try {
      ChatTemplate template = ChatTemplate.load(baseDir);
      return new LoadedModel(ModelLoader.load(new LocalModelSource(baseDir)), tokenizer, template);
    } catch (RuntimeException e) {
      tokenizer.close();
      throw e;
    }
  }

  /** {@code outputDir} holds an adapter ({@code adapter_config.json}) or a full HF model. */
  public static LoadedModel tuned(Path baseDir, Path outputDir) {
    boolean adapter = Files.isRegularFile(outputDir.resolve(AdapterConfig.FILE));
    Path textDir =
        Files.isRegularFile(outputDir.resolve(Tokenizer.TOKENIZER_FILE)) ? outputDir : baseDir;
    Tokenizer tokenizer = Tokenizer.load(textDir);
    try {
      ChatTemplate template = ChatTemplate.load(textDir);
      CausalLM model =
          adapter
              ? AdapterLoader.load(new LocalModelSource(baseDir), outputDir).model()
              : ModelLoader.load(new LocalModelSource(outputDir));
      return new LoadedModel(model, tokenizer, template);
    } catch (RuntimeException e) {
      tokenizer.close();
      throw e;
    }
  }

  public EvalModel evalModel() {
    return new EvalModel(model, tokenizer, template);
  }

  @Override
  public void close() {
    try {
      model.close();
    } finally {
      tokenizer.close();
    }
  }
}
