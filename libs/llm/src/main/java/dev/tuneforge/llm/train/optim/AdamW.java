package dev.tuneforge.llm.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.tuneforge.llm.model.NoGrad;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW (Loshchilov &amp; Hutter) on DJL NDArrays, step for step the algorithm of PyTorch's {@code
 * torch.optim.AdamW} (single-tensor path, no amsgrad): at step t with learning rate lr,
 *
 * <pre>
 *   p ← p · (1 − lr·λ)                       decoupled weight decay (only if the parameter decays)
 *   m ← β1·m + (1 − β1)·g
 *   v ← β2·v + (1 − β2)·g²
 *   p ← p − lr/(1 − β1^t) · m / (√v / √(1 − β2^t) + ε)
 * </pre>
 *
 * The moments live on the manager given at construction (long-lived, like the parameters); every
 * step's temporaries live on a sub-manager that is closed before {@link #step} returns, so array
 * counts stay flat over any number of steps. Its state is exposed ({@link #state}, {@link
 * #restore}) so a resumed run continues with exactly the same moments and step count.
 *
 * <p>Runs outside any gradient collector: parameters are updated in place, which autograd forbids
 * on leaves while recording. The scalar multiplications here are not on an autograd path, so the
 * NOTES pitfall about {@code mul(Number)} freeing its scalar before backward does not apply.
 */
public final class AdamW implements AutoCloseable {

  private final NDManager stateManager;
  private final AdamWConfig config;
  private final List<TrainableParameter> params;
  private final Map<String, NDArray> expAvg = new LinkedHashMap<>();
  private final Map<String, NDArray> expAvgSq = new LinkedHashMap<>();
  private long step;
  private final Map<String, java.nio.FloatBuffer[]> aliases =
      new java.util.HashMap<>(); // p, m, v or null
  private boolean fused = true;

  /**
   * @param stateManager long-lived manager that will own the moments (same device as the params)
   */
  public AdamW(NDManager stateManager, List<TrainableParameter> params, AdamWConfig config) {
    this.stateManager = stateManager;
    this.config = config;
    this.params = List.copyOf(params);
    for (TrainableParameter p : this.params) {
      if (expAvg.containsKey(p.name())) {
        throw new IllegalArgumentException("parameter name " + p.name() + " appears twice");
      }
      expAvg.put(p.name(), stateManager.zeros(p.value().getShape(), p.value().getDataType()));
      expAvgSq.put(p.name(), stateManager.zeros(p.value().getShape(), p.value().getDataType()));
    }
  }

  /** One update using each parameter's autograd gradient ({@code value.getGradient()}). */
  public void step(double lr) {
    update(lr, null);
  }

  /** One update with explicitly given gradients, by parameter name (every parameter needs one). */
  public void step(double lr, Map<String, NDArray> gradients) {
    for (TrainableParameter p : params) {
      if (!gradients.containsKey(p.name())) {
        throw new IllegalArgumentException("no gradient for parameter " + p.name());
      }
    }
    update(lr, gradients);
  }

  private void update(double lr, Map<String, NDArray> gradients) {
    if (!(lr >= 0) || Double.isInfinite(lr)) {
      throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr);
    }
    step++;
    double b1 = config.beta1();
    double b2 = config.beta2();
    // scalars in double as PyTorch computes them in Python, rounded to float32 once when used
    float decayFactor = (float) (1 - lr * config.weightDecay());
    float stepSize = (float) (lr / (1 - Math.pow(b1, step)));
    float bc2Sqrt = (float) Math.sqrt(1 - Math.pow(b2, step));
    float c1 = (float) (1 - b1);
    float c2 = (float) (1 - b2);
    // torch.optim steps under no_grad: in-place updates of leaf parameters must not be recorded
    try (NoGrad noGrad = NoGrad.enter();
        NDManager scratch = stateManager.newSubManager()) {
      for (TrainableParameter tp : params) {
        NDArray p = tp.value();
        NDArray m = expAvg.get(tp.name());
        NDArray v = expAvgSq.get(tp.name());
        // borrow into scratch so getGradient()'s handle and every temporary die with it
        scratch.tempAttachAll(p, m, v);
        NDArray g = gradients == null ? p.getGradient() : gradients.get(tp.name());
        if (gradients != null) {
          scratch.tempAttachAll(g); // g.mul(...) would otherwise land on the caller's manager
        }
        if (!g.getShape().equals(p.getShape())) {
          throw new IllegalArgumentException(
              "gradient of "
                  + tp.name()
                  + " has shape "
                  + g.getShape()
                  + ", parameter has "
                  + p.getShape());
        }
        boolean decay = tp.decay() && config.weightDecay() != 0;
        java.nio.FloatBuffer[] pmv = fused ? aliases(tp.name(), p, m, v) : null;
        if (pmv != null && g.getDataType() == p.getDataType()) {
          java.nio.FloatBuffer gb = FusedAdamWKernel.readable(g); // read before scratch closes
          FusedAdamWKernel.update(
              pmv[0],
              gb,
              pmv[1],
              pmv[2],
              (int) p.size(),
              new FusedAdamWKernel.Scalars(
                  decay,
                  decayFactor,
                  (float) b1,
                  c1,
                  (float) b2,
                  c2,
                  bc2Sqrt,
                  (float) config.eps(),
                  stepSize));
        } else {
          updateWithOps(p, g, m, v, decay, decayFactor, stepSize, bc2Sqrt);
        }
      }
    }
  }

  /** The op-by-op update (any device or dtype); the fused kernel reproduces it bit for bit. */
  private void updateWithOps(
      NDArray p,
      NDArray g,
      NDArray m,
      NDArray v,
      boolean decay,
      float decayFactor,
      float stepSize,
      float bc2Sqrt) {
    double b1 = config.beta1();
    double b2 = config.beta2();
    if (decay) {
      p.muli(decayFactor);
    }
    m.muli((float) b1).addi(g.mul((float) (1 - b1)));
    v.muli((float) b2).addi(g.mul(g).muli((float) (1 - b2)));
    NDArray denom = v.sqrt().divi(bc2Sqrt).addi((float) config.eps());
    p.subi(m.div(denom).muli(stepSize));
  }

  /** Aliasing views of a parameter and its moments, found once (they live as long as this). */
  private java.nio.FloatBuffer[] aliases(String name, NDArray p, NDArray m, NDArray v) {
    if (!aliases.containsKey(name)) {
      java.nio.FloatBuffer pb = FusedAdamWKernel.aliasable(p);
      java.nio.FloatBuffer mb = pb == null ? null : FusedAdamWKernel.aliasable(m);
      java.nio.FloatBuffer vb = mb == null ? null : FusedAdamWKernel.aliasable(v);
      aliases.put(name, vb == null ? null : new java.nio.FloatBuffer[] {pb, mb, vb});
    }
    return aliases.get(name);
  }

  /**
   * Test hook: the op-by-op path for every parameter (the reference the fused kernel must equal).
   */
  void useOpsOnly() {
    fused = false;
  }

  /**
   * Zeroes every parameter's gradient buffer. libtorch accumulates gradients across backward calls
   * (which gradient accumulation relies on), so the loop calls this after each update.
   */
  public void zeroGradients() {
    for (TrainableParameter tp : params) {
      if (tp.value() instanceof PtNDArray pt && pt.hasGradient()) {
        JniUtils.zeroGrad(pt);
      }
    }
  }

  /** Number of updates taken (PyTorch's {@code state["step"]}). */
  public long stepCount() {
    return step;
  }

  public AdamWConfig config() {
    return config;
  }

  public List<TrainableParameter> parameters() {
    return params;
  }

  /** The live first moment of a parameter (for writing checkpoints without a heap copy). */
  public NDArray expAvg(String name) {
    return require(expAvg, name);
  }

  /** The live second moment of a parameter. */
  public NDArray expAvgSq(String name) {
    return require(expAvgSq, name);
  }

  /** A heap copy of the complete state. */
  public AdamWState state() {
    Map<String, float[]> m = new LinkedHashMap<>();
    Map<String, float[]> v = new LinkedHashMap<>();
    for (TrainableParameter p : params) {
      m.put(p.name(), expAvg.get(p.name()).toFloatArray());
      v.put(p.name(), expAvgSq.get(p.name()).toFloatArray());
    }
    return new AdamWState(step, m, v);
  }

  /**
   * Restores a state saved by {@link #state}. It must name exactly this optimizer's parameters with
   * matching sizes; anything else is an error naming the parameter, so a checkpoint of another
   * model or adapter layout is never half-loaded.
   */
  public void restore(AdamWState state) {
    List<String> names = new ArrayList<>(expAvg.keySet());
    if (!state.expAvg().keySet().equals(expAvg.keySet())) {
      throw new IllegalArgumentException(
          "optimizer state names "
              + state.expAvg().keySet()
              + " but this optimizer trains "
              + names);
    }
    for (TrainableParameter p : params) {
      long n = p.value().size();
      float[] m = state.expAvg().get(p.name());
      float[] v = state.expAvgSq().get(p.name());
      if (m.length != n || v.length != n) {
        throw new IllegalArgumentException(
            "optimizer state of "
                + p.name()
                + " has "
                + m.length
                + "/"
                + v.length
                + " values, parameter "
                + p.value().getShape()
                + " has "
                + n);
      }
    }
    for (TrainableParameter p : params) {
      expAvg.get(p.name()).set(java.nio.FloatBuffer.wrap(state.expAvg().get(p.name())));
      expAvgSq.get(p.name()).set(java.nio.FloatBuffer.wrap(state.expAvgSq().get(p.name())));
    }
    this.step = state.step();
  }

  private static NDArray require(Map<String, NDArray> map, String name) {
    NDArray a = map.get(name);
    if (a == null) {
      throw new IllegalArgumentException(
          "no parameter named " + name + "; known: " + Arrays.toString(map.keySet().toArray()));
    }
    return a;
  }

  /** Frees the moments. */
  @Override
  public void close() {
    expAvg.values().forEach(NDArray::close);
    expAvgSq.values().forEach(NDArray::close);
  }
}
