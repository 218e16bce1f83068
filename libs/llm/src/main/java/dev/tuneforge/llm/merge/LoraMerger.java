package dev.tuneforge.llm.merge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.artifact.LocalArtifacts;
import dev.tuneforge.llm.config.ModelConfig;
import dev.tuneforge.llm.io.TensorMismatch;
import dev.tuneforge.llm.lora.LoraConfig;
import dev.tuneforge.llm.lora.LoraWeights;
import dev.tuneforge.llm.model.Architecture;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.peft.PeftAdapter;
import dev.tuneforge.llm.peft.PeftNames;
import dev.tuneforge.llm.peft.QloraBase;
import dev.tuneforge.llm.quant.Nf4LinearFactory;
import dev.tuneforge.llm.quant.Nf4Tensor;
import dev.tuneforge.llm.safetensors.DType;
import dev.tuneforge.llm.safetensors.FloatTensor;
import dev.tuneforge.llm.safetensors.SafetensorsCheckpoint;
import dev.tuneforge.llm.safetensors.SafetensorsFile;
import dev.tuneforge.llm.safetensors.SafetensorsWriter;
import dev.tuneforge.llm.safetensors.TensorInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Folds a LoRA adapter into its base model, {@code W' = W + scale·B·A}, and writes a complete HF
 * model folder: the base's safetensors files with the same names, sharding and dtype (F32, F16 or
 * BF16, rounded to nearest even once from the float32 sum), every other file (config.json,
 * tokenizer files, index) copied unchanged. The folder is assembled under a temporary name and
 * renamed into place at the end, so a reader never sees half a merged model.
 *
 * <p>A QLoRA adapter was trained against the NF4-dequantized base, not the original weights. On
 * request ({@code dequantizeBase}) every module that was NF4 during training (the adapter's {@link
 * QloraBase} note, or by default every decoder projection) is first replaced by its dequantization,
 * exactly as training quantized it (same blocks, same double quantization), so the merged model
 * computes {@code W_deq + scale·B·A}: the trained function. Without it the adapter is merged into
 * the original float weights, as PEFT and Axolotl do.
 *
 * <p>Memory: one shard at a time, widened to float32 in Java arrays.
 */
public final class LoraMerger {
  private static final ObjectMapper JSON = new ObjectMapper();

  private LoraMerger() {}

  /**
   * What a merge did.
   *
   * @param dequantizedModules base modules replaced by their NF4 dequantization (0 unless asked)
   * @param trainedOnNf4 whether the adapter carries a {@link QloraBase} note
   */
  public record Result(
      Path out,
      int modulesMerged,
      DType dtype,
      double scale,
      int dequantizedModules,
      boolean trainedOnNf4) {}

  /** Merges into the original float weights of the base. */
  public static Result merge(Path baseDir, Path adapterDir, Path outDir) {
    return merge(baseDir, adapterDir, outDir, false);
  }

  /**
   * @param dequantizeBase merge into the NF4-dequantized base (QLoRA's trained function) instead of
   *     the original weights
   */
  public static Result merge(Path baseDir, Path adapterDir, Path outDir, boolean dequantizeBase) {
    PeftAdapter adapter = PeftAdapter.read(adapterDir);
    java.util.Optional<QloraBase> note = QloraBase.read(adapterDir);
    LoraConfig lora = adapter.config().lora();
    LocalModelSource base = new LocalModelSource(baseDir);
    ModelConfig config = ModelLoader.config(base);
    Architecture arch = config.modelType().architecture();
    arch.validate(config);
    List<String> linears = LinearModules.of(arch, config);
    checkAdapterFits(adapter, lora, linears, arch.expectedTensors(config));
    java.util.Set<String> dequantize =
        dequantizeBase ? nf4Modules(note, linears) : java.util.Set.of();
    if (Files.exists(outDir) && !isEmptyDir(outDir)) {
      throw new IllegalArgumentException("output folder " + outDir + " exists and is not empty");
    }
    Path tmp = outDir.toAbsolutePath().resolveSibling(outDir.getFileName() + ".partial");
    LocalArtifacts.deleteRecursively(tmp);
    DType dtype;
    try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(base)) {
      ckpt.validate(arch.expectedTensors(config), name -> arch.ignorable(name, config));
      dtype = ckpt.storedDtype();
      Files.createDirectories(tmp);
      List<String> shards = shardFiles(base);
      for (String f : base.listFiles()) {
        Path src = base.resolve(f);
        if (!shards.contains(f) && Files.isRegularFile(src) && !isPickle(f)) {
          Files.copy(src, tmp.resolve(f), StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
      for (String shard : shards) {
        writeMergedShard(
            base.resolve(shard), tmp.resolve(shard), adapter.weights(), lora.scale(), dequantize);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write merged model to " + tmp, e);
    }
    try {
      if (Files.exists(outDir)) {
        Files.delete(outDir); // empty, checked above
      }
      Files.move(tmp, outDir, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move " + tmp + " to " + outDir, e);
    }
    return new Result(
        outDir, adapter.weights().size(), dtype, lora.scale(), dequantize.size(), note.isPresent());
  }

  /**
   * The modules that were NF4 in training: the note's list, or QLoRA's rule (every linear but
   * lm_head).
   */
  static java.util.Set<String> nf4Modules(
      java.util.Optional<QloraBase> note, List<String> linears) {
    if (note.isEmpty()) {
      return new java.util.LinkedHashSet<>(
          linears.stream().filter(Nf4LinearFactory::quantizes).toList());
    }
    List<String> unknown =
        note.get().quantizedModules().stream().filter(m -> !linears.contains(m)).toList();
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          QloraBase.FILE
              + " names modules that are not linear layers of the base: "
              + String.join(", ", unknown));
    }
    return new java.util.LinkedHashSet<>(note.get().quantizedModules());
  }

  /**
   * Every adapter module must be a linear layer of the base targeted by the adapter's own config,
   * with {@code A [r, in]}, {@code B [out, r]} matching the base weight {@code [out, in]}; every
   * targeted linear must have factors. Problems are reported together, by tensor name.
   */
  static void checkAdapterFits(
      PeftAdapter adapter, LoraConfig lora, List<String> linears, Map<String, long[]> expected) {
    lora.requireTargetsMatch(linears, "adapter_config.json target_modules");
    TensorMismatch mismatch = new TensorMismatch();
    for (String m : linears) {
      if (lora.targets(m) && !adapter.weights().containsKey(m)) {
        mismatch.missing(PeftNames.loraA(m));
        mismatch.missing(PeftNames.loraB(m));
      }
    }
    for (LoraWeights w : adapter.weights().values()) {
      String m = w.module();
      if (!linears.contains(m) || !lora.targets(m)) {
        mismatch.add(UNEXPECTED, PeftNames.loraA(m));
        mismatch.add(UNEXPECTED, PeftNames.loraB(m));
        continue;
      }
      long[] weight = expected.get(m + ".weight"); // [out, in]
      long[] wantA = {lora.r(), weight[1]};
      long[] wantB = {weight[0], lora.r()};
      if (!Arrays.equals(w.a().shape(), wantA)) {
        mismatch.wrongShape(PeftNames.loraA(m), wantA, w.a().shape());
      }
      if (!Arrays.equals(w.b().shape(), wantB)) {
        mismatch.wrongShape(PeftNames.loraB(m), wantB, w.b().shape());
      }
    }
    mismatch.throwIfAny("adapter does not match the base model:");
  }

  private static final String UNEXPECTED =
      "unexpected tensors (module absent or not in target_modules)";

  private static void writeMergedShard(
      Path src,
      Path dst,
      Map<String, LoraWeights> adapter,
      double scale,
      java.util.Set<String> dequantize) {
    try (SafetensorsFile f = SafetensorsFile.open(src)) {
      Map<String, FloatTensor> out = new LinkedHashMap<>();
      DType dtype = null;
      for (TensorInfo t : f.tensors().values()) {
        if (dtype != null && dtype != t.dtype()) {
          throw new IllegalArgumentException(
              src
                  + " mixes dtypes "
                  + dtype
                  + " and "
                  + t.dtype()
                  + " (tensor "
                  + t.name()
                  + "); merging keeps one dtype per file");
        }
        dtype = t.dtype();
        float[] data = f.readFloats(t.name());
        String module =
            t.name().endsWith(".weight")
                ? t.name().substring(0, t.name().length() - ".weight".length())
                : null;
        if (module != null && dequantize.contains(module)) {
          // W [out, in] → W_deq: the base the QLoRA adapter saw (same quantization as Nf4Linear)
          data = Nf4Tensor.quantize(data, t.shape(), true).dequantize();
        }
        LoraWeights w = module == null ? null : adapter.get(module);
        if (w != null) {
          addScaledProduct(data, w, scale);
        }
        out.put(t.name(), new FloatTensor(t.shape(), data));
      }
      SafetensorsWriter.write(
          dst,
          out,
          dtype == null ? DType.F32 : dtype,
          f.metadata().isEmpty() ? Map.of("format", "pt") : f.metadata());
    }
  }

  /** {@code W [out, in] += scale · B [out, r] · A [r, in]}, each entry summed in double. */
  static void addScaledProduct(float[] weight, LoraWeights w, double scale) {
    int r = w.rank();
    int out = (int) w.b().shape()[0];
    int in = (int) w.a().shape()[1];
    float[] a = w.a().data();
    float[] b = w.b().data();
    double[] row = new double[in];
    for (int o = 0; o < out; o++) {
      Arrays.fill(row, 0.0);
      for (int k = 0; k < r; k++) {
        double bk = b[o * r + k];
        int base = k * in;
        for (int i = 0; i < in; i++) {
          row[i] += bk * a[base + i];
        }
      }
      int wb = o * in;
      for (int i = 0; i < in; i++) {
        weight[wb + i] = (float) (weight[wb + i] + scale * row[i]);
      }
    }
  }

  /** The safetensors files of the base, as listed by its index or the single file. */
  private static List<String> shardFiles(LocalModelSource base) throws IOException {
    if (base.exists(SafetensorsCheckpoint.INDEX)) {
      JsonNode map =
          JSON.readTree(Files.readString(base.resolve(SafetensorsCheckpoint.INDEX)))
              .get("weight_map");
      TreeSet<String> names = new TreeSet<>();
      map.fields().forEachRemaining(e -> names.add(e.getValue().asText()));
      return List.copyOf(names);
    }
    if (base.exists(SafetensorsCheckpoint.SINGLE)) {
      return List.of(SafetensorsCheckpoint.SINGLE);
    }
    return base.listFiles().stream().filter(n -> n.endsWith(".safetensors")).toList();
  }

  private static boolean isPickle(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".bin")
        || n.endsWith(".pt")
        || n.endsWith(".pth")
        || n.endsWith(".ckpt")
        || n.endsWith(".pkl")
        || n.endsWith(".pickle");
  }

  private static boolean isEmptyDir(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }
}
