package dev.tuneforge.cli.merge;

import dev.tuneforge.llm.merge.LoraMerger;
import dev.tuneforge.llm.peft.QloraBase;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tuneforge merge}: folds a PEFT LoRA adapter into its base model ({@code W + scale·B·A})
 * and writes a complete HF model folder in the base's dtype, locally, with no services. A QLoRA
 * adapter can be merged into the NF4-dequantized base it was trained on ({@code
 * --dequantize-base}).
 */
@Command(
    name = "merge",
    mixinStandardHelpOptions = true,
    description =
        "Merge a LoRA adapter (PEFT layout) into its base model (HF layout) as a new model folder.",
    footer = {
      "",
      "Example:",
      "  tuneforge merge --model ./base --adapter ./chats-adapter --out ./merged"
    })
public final class MergeCommand implements Callable<Integer> {

  @Option(
      names = "--model",
      required = true,
      paramLabel = "DIR",
      description = "Base model folder: config.json, *.safetensors, tokenizer files.")
  Path model;

  @Option(
      names = "--adapter",
      required = true,
      paramLabel = "DIR",
      description = "Adapter folder: adapter_config.json, adapter_model.safetensors.")
  Path adapter;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Output folder (must not exist or be empty); appears only once complete.")
  Path out;

  @Option(
      names = "--dequantize-base",
      description =
          "For a QLoRA adapter: merge into the NF4-dequantized base it was trained against "
              + "(W_deq + scale*B*A) instead of the original float weights.")
  boolean dequantizeBase;

  @Override
  public Integer call() {
    long start = System.nanoTime();
    LoraMerger.Result r = LoraMerger.merge(model, adapter, out, dequantizeBase);
    if (r.dequantizedModules() > 0) {
      System.out.printf(
          "merging into the NF4-dequantized base: %d base modules replaced by W_deq "
              + "(the QLoRA training base%s)%n",
          r.dequantizedModules(),
          r.trainedOnNf4()
              ? ", as listed in " + QloraBase.FILE
              : "; no "
                  + QloraBase.FILE
                  + " in the adapter, so every decoder projection as QLoRA quantizes them");
    } else if (r.trainedOnNf4()) {
      System.out.printf(
          "note: the adapter was trained on an NF4-quantized base (%s); merged into the "
              + "original float weights. Pass --dequantize-base to merge into the base it was trained against.%n",
          QloraBase.FILE);
    }
    System.out.printf(
        "merged %d LoRA modules (scale %.4g) into %s, weights %s, in %.1f s%n",
        r.modulesMerged(), r.scale(), r.out(), r.dtype(), (System.nanoTime() - start) / 1e9);
    return 0;
  }
}
