package dev.tuneforge.llm.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.tuneforge.llm.RandomCheckpoints;
import dev.tuneforge.llm.config.ModelConfig;
import dev.tuneforge.llm.model.Architecture;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.LinearFactory;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.safetensors.FloatTensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The whole-model gradient check the LoRA and QLoRA tests share: autograd gradients of the mean
 * next-token NLL w.r.t. LoRA factors in attention (q, v, o) and MLP (gate, down) against central
 * finite differences, the model in float64 (h = 1e-5: truncation ~h²·f''' and round-off ~1e-16/h
 * both far below the 1e-6 relative tolerance).
 */
final class ModelGradientCheck {
  static final long[][] IDS = {{0, 17, 250, 33, 4, 99, 120, 7, 61, 140}};
  private static final double H = 1e-5;
  private static final String[] CHECKED = {
    "model.layers.0.self_attn.q_proj.lora_A.weight",
        "model.layers.0.self_attn.q_proj.lora_B.weight",
    "model.layers.1.self_attn.v_proj.lora_A.weight",
        "model.layers.1.self_attn.o_proj.lora_B.weight",
    "model.layers.0.mlp.gate_proj.lora_A.weight", "model.layers.1.mlp.down_proj.lora_B.weight",
  };

  private ModelGradientCheck() {}

  /**
   * The tiny random Llama both checks run on, in float64, with random non-zero LoRA factors (r 3)
   * on q, v, o, gate and down over the linear layers {@code frozen} builds (plain or NF4).
   */
  static Float64Lora float64Model(NDManager manager, LinearFactory frozen) {
    ModelConfig c = ModelConfig.parse(RandomCheckpoints.tinyConfig("llama").toString());
    Architecture arch = ModelLoader.architecture(c.modelType());
    Map<String, FloatTensor> base = RandomCheckpoints.randomTensors(arch.expectedTensors(c), 5);
    LoraConfig lora =
        new LoraConfig(
            3, 6, 0.0, List.of("q_proj", "v_proj", "o_proj", "gate_proj", "down_proj"), false, 1);
    LoraLinearFactory f =
        LoraLinearFactory.fromAdapter(lora, randomFactors(base, lora, new Random(4)), frozen);
    CausalLM model =
        CausalLM.build(
            c,
            arch,
            name -> {
              FloatTensor t = base.get(name);
              return manager.create(t.data(), new Shape(t.shape())).toType(DataType.FLOAT64, false);
            },
            f,
            manager,
            "float64");
    return new Float64Lora(model, f);
  }

  /** A float64 model and the LoRA factory that built its adapted layers. */
  record Float64Lora(CausalLM model, LoraLinearFactory factory) {}

  /** Checks 3 random entries of each of six factors; returns the largest relative error seen. */
  static double maxRelativeError(CausalLM model, Map<String, NDArray> trainable) {
    Map<String, double[]> grads = new LinkedHashMap<>();
    try (NDManager step = model.newStepManager();
        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      trainable.values().forEach(p -> p.setRequiresGradient(true));
      NDArray loss = loss(model, step);
      assertEquals(DataType.FLOAT64, loss.getDataType(), "the forward must stay in float64");
      System.gc(); // scalars must survive until backward (NOTES.md)
      gc.backward(loss);
      trainable.forEach((n, p) -> grads.put(n, p.getGradient().toDoubleArray()));
    }
    trainable.values().forEach(p -> p.setRequiresGradient(false));

    Random pick = new Random(9);
    double worst = 0;
    for (String name : CHECKED) {
      NDArray p = trainable.get(name);
      int cols = (int) p.getShape().get(1);
      for (int n = 0; n < 3; n++) {
        int flat = pick.nextInt((int) p.getShape().size());
        NDIndex at = new NDIndex(flat / cols, flat % cols);
        double original = p.toDoubleArray()[flat];
        p.set(at, original + H);
        double up = lossValue(model);
        p.set(at, original - H);
        double down = lossValue(model);
        p.set(at, original);
        double numeric = (up - down) / (2 * H);
        double analytic = grads.get(name)[flat];
        assertTrue(
            Math.abs(numeric) > 1e-6,
            name + "[" + flat + "]: gradient too small to compare: " + numeric);
        double rel = Math.abs(analytic - numeric) / Math.abs(numeric);
        worst = Math.max(worst, rel);
        assertTrue(
            rel < 1e-6,
            name + "[" + flat + "]: autograd " + analytic + " vs finite difference " + numeric);
      }
    }
    return worst;
  }

  /** Mean next-token negative log-likelihood, shape (). */
  private static NDArray loss(CausalLM model, NDManager step) {
    NDArray logits = model.forward(step, IDS, null); // [1, T, V]
    NDArray logp = logits.get(new NDIndex(":, :-1, :")).logSoftmax(-1); // [1, T-1, V]
    long[] next = java.util.Arrays.copyOfRange(IDS[0], 1, IDS[0].length);
    NDArray picked =
        logp.gather(step.create(next, new Shape(1, next.length, 1)), -1); // [1, T-1, 1]
    return picked.mean().neg();
  }

  private static double lossValue(CausalLM model) {
    try (NDManager step = model.newStepManager()) {
      return loss(model, step).getDouble();
    }
  }

  /** Random non-zero A and B (a zero B would make every gradient w.r.t. A vanish). */
  private static Map<String, LoraWeights> randomFactors(
      Map<String, FloatTensor> base, LoraConfig lora, Random rnd) {
    Map<String, LoraWeights> out = new LinkedHashMap<>();
    base.forEach(
        (name, t) -> {
          String module = name.replaceFirst("\\.weight$", "");
          if (t.shape().length != 2 || !lora.targets(module)) {
            return;
          }
          int o = (int) t.shape()[0];
          int in = (int) t.shape()[1];
          out.put(
              module,
              new LoraWeights(
                  module,
                  new FloatTensor(new long[] {lora.r(), in}, gaussian(rnd, lora.r() * in, 0.3)),
                  new FloatTensor(new long[] {o, lora.r()}, gaussian(rnd, o * lora.r(), 0.3))));
        });
    return out;
  }

  static float[] gaussian(Random rnd, int n, double sd) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (float) (sd * rnd.nextGaussian());
    }
    return f;
  }
}
