package dev.tuneforge.llm.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tuneforge.llm.model.Linear;
import dev.tuneforge.llm.model.LinearFactory;
import dev.tuneforge.llm.model.LinearLayer;
import dev.tuneforge.llm.train.RandomLayers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link LoraLinear} for every module the {@link LoraConfig} targets and the frozen base
 * layer alone for the rest, while the model is built. The base comes from another factory: plain
 * float {@link Linear}s for LoRA, NF4 layers ({@code quant.Nf4LinearFactory}) for QLoRA. A and B
 * come either fresh (Kaiming-uniform A, zero B) or from an adapter; with an adapter, a targeted
 * module the adapter lacks or holds with the wrong shape is recorded (not thrown mid-build) so the
 * loader can report every problem at once.
 */
public final class LoraLinearFactory implements LinearFactory, RandomLayers {
  private final LoraConfig config;
  private final Map<String, LoraWeights> adapter; // null: fresh initialisation
  private final LinearFactory base; // the frozen layers under the adapters
  private final List<LoraLinear> layers = new ArrayList<>();
  private final List<String> missing = new ArrayList<>();
  private final List<String> wrongShape = new ArrayList<>();
  private final java.util.Set<String> consulted = new java.util.HashSet<>();
  private final List<String> built = new ArrayList<>(); // every linear module the model asked for

  private LoraLinearFactory(
      LoraConfig config, Map<String, LoraWeights> adapter, LinearFactory base) {
    this.config = config;
    this.adapter = adapter;
    this.base = base;
  }

  /**
   * New LoRA layers over float base layers, for training: A Kaiming-uniform from the seed, B zero.
   */
  public static LoraLinearFactory fresh(LoraConfig config) {
    return fresh(config, LinearFactory.plain());
  }

  /** New LoRA layers over the layers {@code base} builds (e.g. NF4 for QLoRA). */
  public static LoraLinearFactory fresh(LoraConfig config, LinearFactory base) {
    return new LoraLinearFactory(config, null, base);
  }

  /** LoRA layers holding an adapter's factors, by HF module name, over float base layers. */
  public static LoraLinearFactory fromAdapter(
      LoraConfig config, Map<String, LoraWeights> byModule) {
    return fromAdapter(config, byModule, LinearFactory.plain());
  }

  /** LoRA layers holding an adapter's factors over the layers {@code base} builds. */
  public static LoraLinearFactory fromAdapter(
      LoraConfig config, Map<String, LoraWeights> byModule, LinearFactory base) {
    return new LoraLinearFactory(config, Map.copyOf(byModule), base);
  }

  @Override
  public LinearLayer create(String moduleName, NDArray weight, NDArray bias) {
    built.add(moduleName);
    if (!config.targets(moduleName)) {
      return base.create(moduleName, weight, bias);
    }
    int out = (int) weight.getShape().get(0);
    int in = (int) weight.getShape().get(1);
    // read before the base factory runs: an NF4 base closes the float weight after quantizing it
    NDManager m = weight.getManager();
    DataType dtype = weight.getDataType(); // float32 normally; float64 in gradient checks
    int r = config.r();
    float[] a;
    float[] b;
    if (adapter == null) {
      a = LoraInit.kaimingUniformA(config.seed(), moduleName, r, in);
      b = LoraInit.zeroB(out, r);
    } else {
      consulted.add(moduleName);
      LoraWeights w = adapter.get(moduleName);
      if (w == null) {
        missing.add(moduleName + ".lora_A.weight");
        missing.add(moduleName + ".lora_B.weight");
        return base.create(moduleName, weight, bias);
      }
      long[] wantA = {r, in};
      long[] wantB = {out, r};
      if (!Arrays.equals(w.a().shape(), wantA) || !Arrays.equals(w.b().shape(), wantB)) {
        wrongShape.add(
            moduleName
                + " (lora_A "
                + Arrays.toString(w.a().shape())
                + ", expected "
                + Arrays.toString(wantA)
                + "; lora_B "
                + Arrays.toString(w.b().shape())
                + ", expected "
                + Arrays.toString(wantB)
                + ")");
        return base.create(moduleName, weight, bias);
      }
      a = w.a().data();
      b = w.b().data();
    }
    LinearLayer frozen = base.create(moduleName, weight, bias);
    NDArray loraA = onManager(m, a, new Shape(r, in), dtype); // [r, in]
    NDArray loraB = onManager(m, b, new Shape(out, r), dtype); // [out, r]
    loraA.setName(moduleName + ".lora_A.weight");
    loraB.setName(moduleName + ".lora_B.weight");
    LoraDropout dropout =
        config.dropout() > 0 ? new LoraDropout(config.dropout(), config.seed(), moduleName) : null;
    LoraLinear layer = new LoraLinear(frozen, loraA, loraB, config.scale(), dropout);
    layers.add(layer);
    return layer;
  }

  /**
   * The base layer's bytes plus float32 A {@code [r, in]} and B {@code [out, r]} where targeted.
   */
  @Override
  public long residentBytes(String moduleName, long[] shape) {
    long bytes = base.residentBytes(moduleName, shape);
    return config.targets(moduleName)
        ? bytes + (long) Float.BYTES * config.r() * (shape[0] + shape[1])
        : bytes;
  }

  /** A float32 Java array as an array of {@code dtype} on {@code m}, leaving no temporary there. */
  private static NDArray onManager(NDManager m, float[] data, Shape shape, DataType dtype) {
    if (dtype == DataType.FLOAT32) {
      return m.create(data, shape);
    }
    try (NDManager tmp = m.newSubManager()) {
      NDArray converted = tmp.create(data, shape).toType(dtype, false);
      converted.attach(m);
      return converted;
    }
  }

  public LoraConfig config() {
    return config;
  }

  /** The LoRA layers built so far, in build order. */
  public List<LoraLinear> layers() {
    return Collections.unmodifiableList(layers);
  }

  /** The trainable tensors ({@code lora_A}/{@code lora_B}) by name, in build order. */
  public Map<String, NDArray> trainableParameters() {
    Map<String, NDArray> p = new LinkedHashMap<>();
    for (LoraLinear l : layers) {
      l.parameters()
          .forEach(
              (n, a) -> {
                if (LoraParameters.isLora(n)) {
                  p.put(n, a);
                }
              });
    }
    return p;
  }

  /** Switches dropout on (training) or off (evaluation) in every LoRA layer. */
  @Override
  public void setTraining(boolean training) {
    layers.forEach(l -> l.setTraining(training));
  }

  /** Keys every layer's next dropout masks to this micro-batch (see {@link LoraDropout}). */
  @Override
  public void startMicroBatch(long step, int microBatch) {
    for (LoraLinear l : layers) {
      if (l.dropout() != null) {
        l.dropout().startMicroBatch(step, microBatch);
      }
    }
  }

  /**
   * After the model is built: throws naming every {@code target_modules} entry that matched none of
   * its linear layers ({@code where} names the setting, e.g. {@code lora_target_modules}).
   */
  public void requireEveryTargetMatched(String where) {
    config.requireTargetsMatch(built, where);
  }

  /** Adapter tensors a targeted module needed but the adapter lacked. */
  public List<String> missing() {
    return List.copyOf(missing);
  }

  /**
   * Modules the model targeted and looked up in the adapter (adapter modules outside are
   * unexpected).
   */
  public java.util.Set<String> consulted() {
    return java.util.Set.copyOf(consulted);
  }

  /** Targeted modules whose adapter tensors had the wrong shape. */
  public List<String> wrongShapes() {
    return List.copyOf(wrongShape);
  }
}
