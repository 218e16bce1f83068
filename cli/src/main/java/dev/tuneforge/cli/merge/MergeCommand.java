package dev.tuneforge.cli.merge;

import dev.tuneforge.llm.merge.LoraMerger;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tuneforge merge}: folds a PEFT LoRA adapter into its base model ({@code W + scale·B·A})
 * and writes a complete HF model folder in the base's dtype, locally, with no services.
 */
@Command(name = "merge", mixinStandardHelpOptions = true,
    description = "Merge a LoRA adapter (PEFT layout) into its base model (HF layout) as a new model folder.")
public final class MergeCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "Base model folder: config.json, *.safetensors, tokenizer files.")
  Path model;

  @Option(names = "--adapter", required = true, paramLabel = "DIR",
      description = "Adapter folder: adapter_config.json, adapter_model.safetensors.")
  Path adapter;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "Output folder (must not exist or be empty); appears only once complete.")
  Path out;

  @Override
  public Integer call() {
    long start = System.nanoTime();
    LoraMerger.Result r = LoraMerger.merge(model, adapter, out);
    System.out.printf("merged %d LoRA modules (scale %.4g) into %s, weights %s, in %.1f s%n",
        r.modulesMerged(), r.scale(), r.out(), r.dtype(), (System.nanoTime() - start) / 1e9);
    return 0;
  }
}
