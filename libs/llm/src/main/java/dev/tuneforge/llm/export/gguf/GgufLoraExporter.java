package dev.tuneforge.llm.export.gguf;

import dev.tuneforge.llm.config.ModelConfig;
import dev.tuneforge.llm.lora.LoraConfig;
import dev.tuneforge.llm.lora.LoraWeights;
import dev.tuneforge.llm.model.Architecture;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.peft.PeftAdapter;
import dev.tuneforge.llm.peft.PeftNames;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Exports a PEFT LoRA adapter alone in llama.cpp's GGUF LoRA format (what {@code
 * convert_lora_to_gguf.py} writes and {@code llama_adapter_lora_init} reads), to be applied on top
 * of the base model's GGUF ({@code llama-cli -m base.gguf --lora adapter.gguf}):
 *
 * <ul>
 *   <li>metadata: {@code general.type = "adapter"}, {@code general.architecture} of the base
 *       (llama.cpp refuses a mismatch), {@code adapter.type = "lora"}, {@code adapter.lora.alpha};
 *   <li>per adapted module, {@code <gguf weight name>.lora_a} = PEFT's {@code lora_A [r, in]} (ggml
 *       {@code {in, r}}) and {@code .lora_b} = {@code lora_B [out, r]} (ggml {@code {r, out}}),
 *       float32; for Llama's q/k projections the rows of B get the base's {@link QkPermutation}
 *       ({@code P·(B·A) = (P·B)·A}), as the converter's lazy LoRA tensor does.
 * </ul>
 *
 * <p>llama.cpp scales the update by {@code alpha / r} with {@code r} read from the tensors. An
 * rsLoRA adapter ({@code alpha / √r}) is therefore written with {@code alpha·√r}, which gives the
 * same factor.
 */
public final class GgufLoraExporter {
  private GgufLoraExporter() {}

  /**
   * What an export wrote.
   *
   * @param alpha the {@code adapter.lora.alpha} written (scale = alpha / r)
   * @param modules adapted modules
   */
  public record Result(
      Path out, String architecture, int modules, int rank, double alpha, long bytes) {}

  public static Result export(Path adapterDir, Path baseFolder, Path out) {
    String name = adapterDir.toAbsolutePath().normalize().getFileName().toString();
    return export(adapterDir, baseFolder, out, name);
  }

  public static Result export(Path adapterDir, Path baseFolder, Path out, String name) {
    PeftAdapter adapter = PeftAdapter.read(adapterDir);
    LoraConfig lora = adapter.config().lora();
    ModelConfig c = ModelLoader.config(new LocalModelSource(baseFolder));
    Architecture arch = ModelLoader.architecture(c.modelType());
    arch.validate(c);
    GgufArchitecture g = GgufArchitecture.of(c);
    checkFits(adapter, c, arch.expectedTensors(c));

    // llama.cpp: scale = alpha / r; rsLoRA's alpha / √r is alpha·√r / r
    double alpha = lora.useRslora() ? lora.alpha() * Math.sqrt(lora.r()) : lora.alpha();
    GgufWriter w = new GgufWriter();
    w.put("general.architecture", GgufValue.string(g.name));
    w.put("general.type", GgufValue.string("adapter"));
    w.put("general.name", GgufValue.string(name));
    w.put("general.quantization_version", GgufValue.uint32(GgufExporter.QUANTIZATION_VERSION));
    w.put("adapter.type", GgufValue.string("lora"));
    w.put("adapter.lora.alpha", GgufValue.float32(alpha));
    for (LoraWeights lw : adapter.weights().values()) {
      String hf = lw.module() + ".weight";
      String base = GgufNames.of(hf);
      float[] b = lw.b().data(); // [out, r]
      int r = lw.rank();
      if (g.permuteQk && GgufNames.isQuery(hf)) {
        b = QkPermutation.permuteRows(b, c.numHeads(), r);
      } else if (g.permuteQk && GgufNames.isKey(hf)) {
        b = QkPermutation.permuteRows(b, c.numKvHeads(), r);
      }
      w.addTensor(base + ".lora_a", lw.a().shape(), GgmlType.F32, lw.a().data());
      w.addTensor(base + ".lora_b", lw.b().shape(), GgmlType.F32, b);
    }
    long bytes = w.write(out);
    return new Result(out, g.name, adapter.weights().size(), lora.r(), alpha, bytes);
  }

  /**
   * Every adapted module must be a linear layer of the base with {@code A [r, in]} and {@code B
   * [out, r]} matching its weight {@code [out, in]}; a head tied to the embedding has no tensor of
   * its own in the GGUF, so an adapter on it is refused (as llama.cpp's converter does).
   */
  private static void checkFits(PeftAdapter adapter, ModelConfig c, Map<String, long[]> expected) {
    List<String> problems = new ArrayList<>();
    for (LoraWeights w : adapter.weights().values()) {
      long[] weight = expected.get(w.module() + ".weight");
      if (weight == null || weight.length != 2) {
        problems.add(
            PeftNames.loraA(w.module())
                + ": the base has no linear layer "
                + w.module()
                + (c.tieWordEmbeddings() && w.module().endsWith("lm_head")
                    ? " (its head is tied to the embedding)"
                    : ""));
        continue;
      }
      long[] wantA = {w.rank(), weight[1]};
      long[] wantB = {weight[0], w.rank()};
      if (!Arrays.equals(w.a().shape(), wantA)) {
        problems.add(
            PeftNames.loraA(w.module())
                + " "
                + Arrays.toString(w.a().shape())
                + " (expected "
                + Arrays.toString(wantA)
                + ")");
      }
      if (!Arrays.equals(w.b().shape(), wantB)) {
        problems.add(
            PeftNames.loraB(w.module())
                + " "
                + Arrays.toString(w.b().shape())
                + " (expected "
                + Arrays.toString(wantB)
                + ")");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "adapter does not match the base model:\n  " + String.join("\n  ", problems));
    }
  }
}
