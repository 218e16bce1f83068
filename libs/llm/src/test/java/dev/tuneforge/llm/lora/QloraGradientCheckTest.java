package dev.tuneforge.llm.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.quant.Nf4Codebook;
import dev.tuneforge.llm.quant.Nf4Linear;
import dev.tuneforge.llm.quant.Nf4LinearFactory;
import dev.tuneforge.llm.quant.Nf4Tensor;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Gradients of LoRA A and B (and of the layer input) through the NF4 path are right. NF4
 * dequantizes to float32, so the checks are split by what each precision can show:
 *
 * <ol>
 *   <li>Whole model in float64: {@code Nf4Linear} dequantizes to float32 and widens to float64,
 *       which is exact, so the float64 model computes exactly the NF4-base function; autograd
 *       gradients of A/B in attention and MLP equal central differences (h = 1e-5) to 1e-6
 *       relative, as in {@link LoraGradientCheckTest}.
 *   <li>One QLoRA layer in float32 (the training precision): autograd gradients of A, B and x equal
 *       a float64 closed-form reference built from the Java dequantization ({@link
 *       Nf4Tensor#dequantize()}), to float32 rounding (1e-5 of the largest entry).
 *   <li>The same float32 layer against central differences. The loss {@code Σ (y + G)²} is
 *       quadratic in every single entry, so central differences have no truncation error and only
 *       float32 rounding of the loss (~1e-4 absolute here) divided by 2h remains: h = 1e-2 and the
 *       actual float32 step (x+h)−(x−h) as denominator, tolerance 1e-2 relative.
 * </ol>
 */
class QloraGradientCheckTest {

  @Test
  void float64ModelOnAnNf4BaseMatchesCentralDifferences() {
    try (NDManager manager = NDManager.newBaseManager()) {
      Nf4LinearFactory nf4 = new Nf4LinearFactory();
      ModelGradientCheck.Float64Lora built = ModelGradientCheck.float64Model(manager, nf4);
      CausalLM model = built.model();
      LoraLinearFactory f = built.factory();
      assertEquals(14, nf4.layers().size(), "every decoder projection is NF4");
      f.layers().forEach(l -> assertTrue(l.base() instanceof Nf4Linear, l.name()));
      Map<String, NDArray> trainable = LoraParameters.trainable(model);
      assertEquals(20, trainable.size());

      double worst = ModelGradientCheck.maxRelativeError(model, trainable);
      System.out.printf(
          "QLoRA gradient check (float64 over NF4 base, 18 entries): max relative error %.3g%n",
          worst);
    }
  }

  private static final int OUT = 24;
  private static final int IN = 40;
  private static final int R = 3;
  private static final int ROWS = 5;
  private static final double SCALE = 1.5;

  @Test
  void float32LayerGradientsMatchAFloat64ReferenceAndCentralDifferences() {
    Random rnd = new Random(12);
    float[] w = ModelGradientCheck.gaussian(rnd, OUT * IN, 0.2);
    float[] a0 = ModelGradientCheck.gaussian(rnd, R * IN, 0.3);
    float[] b0 = ModelGradientCheck.gaussian(rnd, OUT * R, 0.3);
    float[] x0 = ModelGradientCheck.gaussian(rnd, ROWS * IN, 1.0);
    float[] g = ModelGradientCheck.gaussian(rnd, ROWS * OUT, 1.0);
    float[] wDeq =
        Nf4Tensor.quantize(w, new long[] {OUT, IN}, true).dequantize(); // the base autograd sees
    try (NDManager m = NDManager.newBaseManager();
        Nf4Codebook book = new Nf4Codebook(m)) {
      NDArray a = m.create(a0, new Shape(R, IN));
      NDArray b = m.create(b0, new Shape(OUT, R));
      NDArray x = m.create(x0, new Shape(ROWS, IN));
      LoraLinear layer =
          new LoraLinear(
              Nf4Linear.quantize("m", m.create(w, new Shape(OUT, IN)), null, book),
              a,
              b,
              SCALE,
              null);
      for (NDArray p : new NDArray[] {a, b, x}) {
        p.setRequiresGradient(true);
      }
      float[] gradA;
      float[] gradB;
      float[] gradX;
      try (NDManager step = m.newSubManager();
          GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        step.tempAttachAll(a, b, x);
        NDArray loss = layerLoss(layer, x, step.create(g, new Shape(ROWS, OUT)));
        System.gc();
        gc.backward(loss);
        gradA = a.getGradient().toFloatArray();
        gradB = b.getGradient().toFloatArray();
        gradX = x.getGradient().toFloatArray();
      }
      for (NDArray p : new NDArray[] {a, b, x}) {
        p.setRequiresGradient(false);
      }

      // float64 reference from W_deq: y = x W_deqᵀ + s (x Aᵀ) Bᵀ, dL/dy = 2 (y + G)
      double[][] ref = reference(wDeq, a0, b0, x0, g);
      double relA = maxRelative(gradA, ref[0]);
      double relB = maxRelative(gradB, ref[1]);
      double relX = maxRelative(gradX, ref[2]);
      assertTrue(
          relA < 1e-5 && relB < 1e-5 && relX < 1e-5,
          "autograd vs float64 reference, relative to the largest entry: A "
              + relA
              + ", B "
              + relB
              + ", x "
              + relX);

      // float32 central differences on a few entries of A, B and x
      Random pick = new Random(2);
      NDArray gArray = m.create(g, new Shape(ROWS, OUT));
      double worst = 0;
      String[] names = {"lora_A", "lora_B", "x"};
      NDArray[] params = {a, b, x};
      float[][] grads = {gradA, gradB, gradX};
      for (int k = 0; k < 3; k++) {
        NDArray p = params[k];
        int cols = (int) p.getShape().get(1);
        for (int n = 0; n < 4; n++) {
          int flat = pick.nextInt((int) p.getShape().size());
          NDIndex at = new NDIndex(flat / cols, flat % cols);
          float original = p.toFloatArray()[flat];
          float up = (float) (original + 1e-2);
          float down = (float) (original - 1e-2);
          p.set(at, up);
          double lUp = layerLossValue(layer, x, gArray);
          p.set(at, down);
          double lDown = layerLossValue(layer, x, gArray);
          p.set(at, original);
          double numeric = (lUp - lDown) / ((double) up - down);
          double analytic = grads[k][flat];
          double rel = Math.abs(analytic - numeric) / Math.max(Math.abs(analytic), 1.0);
          worst = Math.max(worst, rel);
          assertTrue(
              rel < 1e-2,
              names[k]
                  + "["
                  + flat
                  + "]: autograd "
                  + analytic
                  + " vs float32 central difference "
                  + numeric);
        }
      }
      System.out.printf(
          "QLoRA layer gradients (float32): vs float64 reference A %.2g B %.2g x %.2g; "
              + "vs float32 central differences %.2g%n",
          relA, relB, relX, worst);
    }
  }

  /** {@code Σ (y + G)²}, shape (), with {@code y = layer(x)} {@code [rows, out]}. */
  private static NDArray layerLoss(LoraLinear layer, NDArray x, NDArray g) {
    return layer.forward(x).add(g).square().sum();
  }

  private static double layerLossValue(LoraLinear layer, NDArray x, NDArray g) {
    try (NDManager step = x.getManager().newSubManager()) {
      step.tempAttachAll(x, g, layer.loraA(), layer.loraB());
      return layerLoss(layer, x, g).getFloat();
    }
  }

  /** {dL/dA [r, in], dL/dB [out, r], dL/dx [rows, in]} in float64. */
  private static double[][] reference(float[] w, float[] a, float[] b, float[] x, float[] g) {
    double[] h = new double[ROWS * R]; // x Aᵀ
    for (int row = 0; row < ROWS; row++) {
      for (int k = 0; k < R; k++) {
        double s = 0;
        for (int i = 0; i < IN; i++) {
          s += (double) x[row * IN + i] * a[k * IN + i];
        }
        h[row * R + k] = s;
      }
    }
    double[] dy = new double[ROWS * OUT];
    for (int row = 0; row < ROWS; row++) {
      for (int o = 0; o < OUT; o++) {
        double y = 0;
        for (int i = 0; i < IN; i++) {
          y += (double) x[row * IN + i] * w[o * IN + i];
        }
        for (int k = 0; k < R; k++) {
          y += SCALE * h[row * R + k] * b[o * R + k];
        }
        dy[row * OUT + o] = 2 * (y + g[row * OUT + o]);
      }
    }
    double[] dA = new double[R * IN];
    double[] dB = new double[OUT * R];
    double[] dX = new double[ROWS * IN];
    for (int row = 0; row < ROWS; row++) {
      for (int k = 0; k < R; k++) {
        double back = 0; // Σ_o dy[row, o] B[o, k]
        for (int o = 0; o < OUT; o++) {
          back += dy[row * OUT + o] * b[o * R + k];
          dB[o * R + k] += SCALE * dy[row * OUT + o] * h[row * R + k];
        }
        for (int i = 0; i < IN; i++) {
          dA[k * IN + i] += SCALE * back * x[row * IN + i];
          dX[row * IN + i] += SCALE * back * a[k * IN + i];
        }
      }
      for (int i = 0; i < IN; i++) {
        double s = 0;
        for (int o = 0; o < OUT; o++) {
          s += dy[row * OUT + o] * w[o * IN + i];
        }
        dX[row * IN + i] += s;
      }
    }
    return new double[][] {dA, dB, dX};
  }

  private static double maxRelative(float[] got, double[] want) {
    double scale = 0;
    double diff = 0;
    for (int i = 0; i < want.length; i++) {
      scale = Math.max(scale, Math.abs(want[i]));
      diff = Math.max(diff, Math.abs(got[i] - want[i]));
    }
    return diff / scale;
  }
}
