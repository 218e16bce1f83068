package dev.tuneforge.cli.export;

import dev.tuneforge.llm.export.gguf.GgufExporter;
import dev.tuneforge.llm.export.gguf.GgufLoraExporter;
import dev.tuneforge.llm.export.gguf.GgufType;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tuneforge export}: writes a model for llama.cpp / Ollama, locally, with no services.
 * {@code --format gguf} exports an HF model folder (or, with {@code --adapter}, the base with the
 * adapter merged in) as one GGUF file of the chosen {@code --type}; {@code --format gguf-lora}
 * exports the adapter alone in llama.cpp's GGUF LoRA format, to run on the base's GGUF.
 */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description =
        "Export a model (HF folder, optionally with a LoRA adapter merged) as GGUF, or an adapter as GGUF LoRA.",
    footer = {
      "",
      "Example:",
      "  tuneforge export ./base model.gguf --adapter ./chats-adapter --type q8_0"
    })
public final class ExportCommand implements Callable<Integer> {

  @Option(
      names = "--format",
      defaultValue = "gguf",
      paramLabel = "FORMAT",
      description =
          "gguf (a complete model) or gguf-lora (the adapter alone). Default: ${DEFAULT-VALUE}.")
  String format;

  @Option(
      names = "--type",
      defaultValue = "f16",
      paramLabel = "TYPE",
      description =
          "gguf weight type: f32, f16, q8_0 or q4_0 (norms and biases stay f32). Default: ${DEFAULT-VALUE}.")
  String type;

  @Option(
      names = "--adapter",
      paramLabel = "DIR",
      description =
          "PEFT LoRA adapter folder: merged into the model for gguf, exported alone for gguf-lora.")
  Path adapter;

  @Option(
      names = "--dequantize-base",
      description =
          "With --adapter and gguf: merge a QLoRA adapter into the NF4-dequantized base it was trained on.")
  boolean dequantizeBase;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description = "general.name written into the file (default: the folder's name).")
  String name;

  @Parameters(
      index = "0",
      paramLabel = "MODEL_DIR",
      description = "HF model folder (the base, when --adapter is given).")
  Path model;

  @Parameters(
      index = "1",
      paramLabel = "OUT",
      description = "Output .gguf file (written completely or not at all).")
  Path out;

  @Override
  public Integer call() {
    long start = System.nanoTime();
    switch (format) {
      case "gguf" -> {
        GgufType t = GgufType.parse(type);
        String n =
            name != null
                ? name
                : (adapter != null ? adapter : model)
                    .toAbsolutePath()
                    .normalize()
                    .getFileName()
                    .toString();
        GgufExporter.Result r =
            adapter == null
                ? GgufExporter.export(model, out, t, n)
                : GgufExporter.exportMerged(model, adapter, out, t, dequantizeBase, n);
        System.out.printf(
            "wrote %s: GGUF %s, architecture %s, %d tensors, %,d bytes, in %.1f s%n",
            r.out(),
            t.wireName(),
            r.architecture(),
            r.tensorTypes().size(),
            r.bytes(),
            (System.nanoTime() - start) / 1e9);
        System.out.printf("run it: llama-cli -m %s%n", r.out());
      }
      case "gguf-lora" -> {
        if (adapter == null) {
          throw new IllegalArgumentException("--format gguf-lora needs --adapter DIR");
        }
        GgufLoraExporter.Result r =
            name == null
                ? GgufLoraExporter.export(adapter, model, out)
                : GgufLoraExporter.export(adapter, model, out, name);
        System.out.printf(
            "wrote %s: GGUF LoRA for %s, %d modules, r %d, alpha %.4g, %,d bytes, in %.1f s%n",
            r.out(),
            r.architecture(),
            r.modules(),
            r.rank(),
            r.alpha(),
            r.bytes(),
            (System.nanoTime() - start) / 1e9);
        System.out.printf("run it on the base's GGUF: llama-cli -m BASE.gguf --lora %s%n", r.out());
      }
      default ->
          throw new IllegalArgumentException(
              "--format: unsupported format '" + format + "' (gguf, gguf-lora)");
    }
    return 0;
  }
}
