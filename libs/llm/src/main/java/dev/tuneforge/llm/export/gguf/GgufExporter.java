package dev.tuneforge.llm.export.gguf;

import dev.tuneforge.artifact.LocalArtifacts;
import dev.tuneforge.llm.config.ModelConfig;
import dev.tuneforge.llm.config.RopeScaling;
import dev.tuneforge.llm.merge.LoraMerger;
import dev.tuneforge.llm.model.Architecture;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.safetensors.SafetensorsCheckpoint;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Exports a Hugging Face model folder (config.json, safetensors, tokenizer) as one GGUF file that
 * llama.cpp loads, as its {@code convert_hf_to_gguf.py} would write it:
 *
 * <ul>
 *   <li>metadata: {@code general.*} (architecture, type "model", name, file_type,
 *       quantization_version, alignment), the architecture's hyper-parameters ({@code
 *       ARCH.context_length}, {@code embedding_length}, {@code block_count}, {@code
 *       feed_forward_length}, {@code attention.head_count}, {@code attention.head_count_kv}, {@code
 *       attention.key_length}/{@code value_length}, {@code attention.layer_norm_rms_epsilon},
 *       {@code rope.freq_base}, {@code rope.dimension_count}, {@code vocab_size}) and the tokenizer
 *       ({@link GgufVocab});
 *   <li>tensors renamed by {@link GgufNames}, dimensions in ggml order (the PyTorch shape
 *       reversed), Llama's q/k rows permuted ({@link QkPermutation}); a tied LM head is not written
 *       (llama.cpp reuses {@code token_embd}); Llama 3 RoPE scaling becomes the {@code rope_freqs}
 *       tensor;
 *   <li>storage: vectors and norms float32; matrices as the requested {@link GgufType}; a quantized
 *       matrix whose rows are not whole 32-value blocks falls back to F16 (as the converter does);
 *       for Q4_0 the output head is kept at Q8_0 (llama.cpp's quantizer also keeps it finer).
 * </ul>
 *
 * <p>Memory: one tensor at a time, as float32 plus its encoding.
 */
public final class GgufExporter {
  /** ggml's quantization format version (GGML_QNT_VERSION). */
  static final int QUANTIZATION_VERSION = 2;

  private GgufExporter() {}

  /**
   * What an export wrote.
   *
   * @param tensorTypes storage type per GGUF tensor name, in file order
   */
  public record Result(
      Path out,
      String architecture,
      GgufType type,
      long bytes,
      Map<String, GgmlType> tensorTypes) {}

  /** Exports a full model folder; {@code general.name} is the folder's name. */
  public static Result export(Path hfFolder, Path out, GgufType type) {
    return export(
        hfFolder, out, type, hfFolder.toAbsolutePath().normalize().getFileName().toString());
  }

  public static Result export(Path hfFolder, Path out, GgufType type, String name) {
    LocalModelSource source = new LocalModelSource(hfFolder);
    ModelConfig c = ModelLoader.config(source);
    Architecture arch = ModelLoader.architecture(c.modelType());
    arch.validate(c);
    GgufArchitecture g = GgufArchitecture.of(c);
    checkSupported(c, g);

    GgufWriter w = new GgufWriter();
    String a = g.name;
    w.put("general.architecture", GgufValue.string(a));
    w.put("general.type", GgufValue.string("model"));
    w.put("general.name", GgufValue.string(name));
    w.put("general.file_type", GgufValue.uint32(type.fileType()));
    w.put("general.quantization_version", GgufValue.uint32(QUANTIZATION_VERSION));
    w.put(a + ".vocab_size", GgufValue.uint32(c.vocabSize()));
    w.put(a + ".context_length", GgufValue.uint32(c.maxPositionEmbeddings()));
    w.put(a + ".embedding_length", GgufValue.uint32(c.hiddenSize()));
    w.put(a + ".block_count", GgufValue.uint32(c.numLayers()));
    w.put(a + ".feed_forward_length", GgufValue.uint32(c.intermediateSize()));
    w.put(a + ".attention.head_count", GgufValue.uint32(c.numHeads()));
    w.put(a + ".attention.head_count_kv", GgufValue.uint32(c.numKvHeads()));
    w.put(a + ".attention.key_length", GgufValue.uint32(c.headDim()));
    w.put(a + ".attention.value_length", GgufValue.uint32(c.headDim()));
    w.put(a + ".attention.layer_norm_rms_epsilon", GgufValue.float32(c.rmsNormEps()));
    w.put(a + ".rope.freq_base", GgufValue.float32(c.ropeTheta()));
    w.put(a + ".rope.dimension_count", GgufValue.uint32(c.headDim()));
    GgufVocab.metadata(hfFolder, c).forEach(w::put);

    Map<String, GgmlType> types = new LinkedHashMap<>();
    try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(source)) {
      Map<String, long[]> expected = arch.expectedTensors(c);
      ckpt.validate(expected, n -> arch.ignorable(n, c));
      if (c.ropeScaling() != null) {
        float[] factors = ropeFactors(c);
        w.addTensor("rope_freqs.weight", new long[] {factors.length}, GgmlType.F32, factors);
        types.put("rope_freqs.weight", GgmlType.F32);
      }
      for (Map.Entry<String, long[]> e : expected.entrySet()) {
        String hf = e.getKey();
        long[] shape = e.getValue();
        String ggufName = GgufNames.of(hf);
        GgmlType t = storageType(ggufName, shape, type);
        types.put(ggufName, t);
        int cols = shape.length == 2 ? (int) shape[1] : 1;
        w.addFloatTensor(
            ggufName,
            shape,
            t,
            () -> {
              float[] data = ckpt.readFloats(hf);
              if (g.permuteQk && GgufNames.isQuery(hf)) {
                data = QkPermutation.permuteRows(data, c.numHeads(), cols);
              } else if (g.permuteQk && GgufNames.isKey(hf)) {
                data = QkPermutation.permuteRows(data, c.numKvHeads(), cols);
              }
              return data;
            });
      }
      long bytes = w.write(out);
      return new Result(out, a, type, bytes, types);
    }
  }

  /**
   * Merges a PEFT LoRA adapter into its base ({@link LoraMerger}, in a temporary folder beside
   * {@code out}) and exports the merged model.
   *
   * @param dequantizeBase as {@link LoraMerger#merge(Path, Path, Path, boolean)}: for a QLoRA
   *     adapter, merge into the NF4-dequantized base it was trained on
   */
  public static Result exportMerged(
      Path baseFolder,
      Path adapterDir,
      Path out,
      GgufType type,
      boolean dequantizeBase,
      String name) {
    Path tmp = out.toAbsolutePath().resolveSibling(out.getFileName() + ".merged-hf");
    LocalArtifacts.deleteRecursively(tmp);
    try {
      LoraMerger.merge(baseFolder, adapterDir, tmp, dequantizeBase);
      return export(tmp, out, type, name);
    } finally {
      LocalArtifacts.deleteRecursively(tmp);
    }
  }

  /**
   * The storage type of one tensor: vectors and norms F32 (llama.cpp's kernels expect it), matrices
   * the requested type, F16 when a quantized type's blocks do not tile the rows, Q8_0 for the
   * output head of a Q4_0 file.
   */
  static GgmlType storageType(String ggufName, long[] torchShape, GgufType type) {
    if (torchShape.length <= 1
        || ggufName.endsWith("_norm.weight")
        || !ggufName.endsWith(".weight")) {
      return GgmlType.F32;
    }
    GgmlType t = type.matrices();
    if (type == GgufType.Q4_0 && ggufName.equals("output.weight")) {
      t = GgmlType.Q8_0;
    }
    long row = torchShape[torchShape.length - 1];
    if (t.quantized() && row % t.blockSize() != 0) {
      return GgmlType.F16;
    }
    return t;
  }

  private static void checkSupported(ModelConfig c, GgufArchitecture g) {
    if (c.ropeScaling() != null && g != GgufArchitecture.LLAMA) {
      throw new IllegalArgumentException(
          "config.json rope_scaling "
              + c.ropeScaling().type()
              + " on "
              + c.modelType().hfName()
              + " has no GGUF export here (only Llama's llama3 scaling)");
    }
    if (g == GgufArchitecture.QWEN2 && c.qDim() != c.hiddenSize()) {
      throw new IllegalArgumentException(
          "config.json: qwen2 with head_dim·heads ("
              + c.qDim()
              + ") != hidden_size ("
              + c.hiddenSize()
              + ") is not supported by llama.cpp's qwen2");
    }
    if (g == GgufArchitecture.QWEN3 && (c.qkvBias() || c.outputBias())) {
      throw new IllegalArgumentException(
          "config.json attention_bias = true: llama.cpp's qwen3 has no attention biases");
    }
  }

  /**
   * Llama 3's RoPE scaling as llama.cpp's {@code rope_freqs} tensor: per frequency, the factor the
   * base frequency is divided by (1 for high frequencies, {@code factor} for low ones, the smooth
   * blend between), as convert_hf_to_gguf.py computes it.
   */
  static float[] ropeFactors(ModelConfig c) {
    RopeScaling s = c.ropeScaling();
    int half = c.headDim() / 2;
    float[] out = new float[half];
    double lowWavelen = s.originalMaxPositionEmbeddings() / s.lowFreqFactor();
    double highWavelen = s.originalMaxPositionEmbeddings() / s.highFreqFactor();
    for (int i = 0; i < half; i++) {
      // the converter computes freqs in float32: 1 / base ** (arange(0, dim, 2) / dim)
      float freq = (float) (1.0 / Math.pow(c.ropeTheta(), (float) (2 * i) / c.headDim()));
      double wavelen = 2 * Math.PI / freq;
      double f;
      if (wavelen < highWavelen) {
        f = 1;
      } else if (wavelen > lowWavelen) {
        f = s.factor();
      } else {
        double smooth =
            (s.originalMaxPositionEmbeddings() / wavelen - s.lowFreqFactor())
                / (s.highFreqFactor() - s.lowFreqFactor());
        f = 1 / ((1 - smooth) / s.factor() + smooth);
      }
      out[i] = (float) f;
    }
    return out;
  }
}
