package dev.tuneforge.llm.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.jni.JniUtils;
import dev.tuneforge.llm.config.ModelConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A decoder-only causal language model: embedding, pre-norm decoder layers, final norm, LM head.
 * Parameters live on the model's {@link NDManager}; every forward runs on a caller-owned step
 * manager ({@link #newStepManager()}) that parameters are lent to for the call, so everything the
 * forward creates is freed when the step closes. The forward uses only differentiable NDArray ops
 * and 0-d scalar arrays, so it can run under a gradient collector.
 */
public final class CausalLM implements AutoCloseable {
  private final ModelConfig config;
  private final Architecture architecture;
  private final NDManager manager;
  private final NDArray embed; // [V, D]
  private final List<DecoderLayer> layers;
  private final RmsNorm finalNorm;
  private final LinearLayer lmHead; // weight [V, D]; the embedding itself when tied
  private final Rope rope;
  private final String storedDtype;
  private volatile List<NDArray> parameterList; // parameters().values(), built on first forward

  private CausalLM(
      ModelConfig config,
      Architecture architecture,
      NDManager manager,
      NDArray embed,
      List<DecoderLayer> layers,
      RmsNorm finalNorm,
      LinearLayer lmHead,
      String storedDtype) {
    this.config = config;
    this.architecture = architecture;
    this.manager = manager;
    this.embed = embed;
    this.layers = List.copyOf(layers);
    this.finalNorm = finalNorm;
    this.lmHead = lmHead;
    this.rope = new Rope(config.ropeInverseFrequencies());
    this.storedDtype = storedDtype;
  }

  /**
   * Assembles a model from tensors fetched by HF name.
   *
   * @param weights HF tensor name → float32 array on {@code manager}
   * @param linears decides the implementation of each projection (plain or LoRA)
   */
  public static CausalLM build(
      ModelConfig c,
      Architecture arch,
      Function<String, NDArray> weights,
      LinearFactory linears,
      NDManager manager,
      String storedDtype) {
    TensorNames n = arch.names();
    NDArray embed = weights.apply(n.embed() + ".weight");
    List<DecoderLayer> layers = new java.util.ArrayList<>();
    for (int i = 0; i < c.numLayers(); i++) {
      final int layer = i;
      Function<String, LinearLayer> lin =
          (module) -> {
            String name = n.inLayer(layer, module);
            boolean biased =
                module.equals(n.o())
                    ? c.outputBias()
                    : module.equals(n.q()) || module.equals(n.k()) || module.equals(n.v())
                        ? c.qkvBias()
                        : c.mlpBias();
            return linears.create(
                name,
                weights.apply(name + ".weight"),
                biased ? weights.apply(name + ".bias") : null);
          };
      Function<String, RmsNorm> norm =
          (module) -> {
            String name = n.inLayer(layer, module);
            return new RmsNorm(name, weights.apply(name + ".weight"));
          };
      Attention attn =
          new Attention(
              i,
              lin.apply(n.q()),
              lin.apply(n.k()),
              lin.apply(n.v()),
              lin.apply(n.o()),
              c.qkNorm() ? norm.apply(n.qNorm()) : null,
              c.qkNorm() ? norm.apply(n.kNorm()) : null,
              c.numHeads(),
              c.numKvHeads(),
              c.headDim());
      Mlp mlp = new Mlp(lin.apply(n.gate()), lin.apply(n.up()), lin.apply(n.down()));
      layers.add(
          new DecoderLayer(
              norm.apply(n.inputNorm()), attn, norm.apply(n.postAttentionNorm()), mlp));
    }
    RmsNorm finalNorm = new RmsNorm(n.finalNorm(), weights.apply(n.finalNorm() + ".weight"));
    LinearLayer head =
        c.tieWordEmbeddings()
            ? new Linear(n.embed(), embed, null) // same array as the embedding: one parameter
            : linears.create(n.lmHead(), weights.apply(n.lmHead() + ".weight"), null);
    return new CausalLM(c, arch, manager, embed, layers, finalNorm, head, storedDtype);
  }

  public ModelConfig config() {
    return config;
  }

  public Architecture architecture() {
    return architecture;
  }

  /** The manager that owns the parameters. */
  public NDManager manager() {
    return manager;
  }

  /** The dtype the checkpoint stored (compute is always float32). */
  public String storedDtype() {
    return storedDtype;
  }

  public List<DecoderLayer> layers() {
    return layers;
  }

  /** A child of the model's manager for one forward (or one training step). */
  public NDManager newStepManager() {
    return manager.newSubManager();
  }

  /** Every tensor by HF name; a tied head is listed once, as the embedding. */
  public Map<String, NDArray> parameters() {
    Map<String, NDArray> p = new LinkedHashMap<>();
    TensorNames n = architecture.names();
    p.put(n.embed() + ".weight", embed);
    for (DecoderLayer l : layers) {
      Attention a = l.attention();
      p.put(l.inputNorm().name() + ".weight", l.inputNorm().weight());
      p.putAll(a.q().parameters());
      p.putAll(a.k().parameters());
      p.putAll(a.v().parameters());
      p.putAll(a.o().parameters());
      if (a.qNorm() != null) {
        p.put(a.qNorm().name() + ".weight", a.qNorm().weight());
        p.put(a.kNorm().name() + ".weight", a.kNorm().weight());
      }
      p.put(l.postAttentionNorm().name() + ".weight", l.postAttentionNorm().weight());
      p.putAll(l.mlp().gate().parameters());
      p.putAll(l.mlp().up().parameters());
      p.putAll(l.mlp().down().parameters());
    }
    p.put(finalNorm.name() + ".weight", finalNorm.weight());
    if (!config.tieWordEmbeddings()) {
      p.putAll(lmHead.parameters());
    }
    return Collections.unmodifiableMap(p);
  }

  /** Number of parameters (a tied head counted once). */
  public long parameterCount() {
    return parameters().values().stream().mapToLong(a -> a.getShape().size()).sum();
  }

  /**
   * One forward pass.
   *
   * @param step manager for this call; parameters are lent to it until it closes
   * @param ids token ids {@code [B, T]} int64
   * @param positions position ids {@code [B, T]} int64
   * @param bias additive attention mask {@code [B, 1, 1, T, S]} (see {@link Masks#bias})
   * @param cache KV cache (then {@code S = cache.length() + T}; advanced by {@code T}) or null
   * @param lastOnly compute logits for the last position only (generation)
   * @return logits {@code [B, T, V]} ({@code [B, 1, V]} when {@code lastOnly}) on {@code step}
   */
  public NDArray forward(
      NDManager step,
      NDArray ids,
      NDArray positions,
      NDArray bias,
      KvCache cache,
      boolean lastOnly) {
    boolean recording = gradientRecording();
    if (recording) {
      // backward needs what parameter-first ops create on the step; inference has no such op
      // (inputs come first everywhere), and lending is not thread-safe: a parameter lent to two
      // steps at once returns to a closed manager. So inference forwards lend nothing, and
      // several threads (a BatchedGenerator, a Scorer) can run inference on one model at once.
      lendParameters(step);
    }
    if (cache != null) {
      cache.attachTo(step);
    }
    ForwardContext ctx = ForwardContext.of(step, config.rmsNormEps(), config.headDim());
    NDArray x = layers(step, ctx, ids, positions, bias, cache, recording); // [B, T, D]
    if (lastOnly && x.getShape().get(1) > 1) {
      // the norm is per position: slicing first gives the same last row for 1/T of the work
      x = x.get(new NDIndex(":, -1:, :")); // [B, 1, D]
    }
    x = finalNorm.forward(x, ctx.eps());
    NDArray logits = lmHead.forward(x); // [B, T, V]
    if (cache != null) {
      cache.advance((int) ids.getShape().get(1));
    }
    return logits;
  }

  /**
   * The last decoder layer's output, before the final norm: what the LM head reads. Training uses
   * it to run the head on the positions that carry a target only ({@code
   * train.CrossEntropy#sumAtTargets}).
   *
   * @param ids token ids {@code [B, T]} int64
   * @param positions position ids {@code [B, T]} int64
   * @param bias additive attention mask {@code [B, 1, 1, T, T]}
   * @return {@code [B, T, D]} on {@code step}
   */
  public NDArray hidden(NDManager step, NDArray ids, NDArray positions, NDArray bias) {
    boolean recording = gradientRecording();
    if (recording) {
      lendParameters(step);
    }
    ForwardContext ctx = ForwardContext.of(step, config.rmsNormEps(), config.headDim());
    return layers(step, ctx, ids, positions, bias, null, recording);
  }

  /**
   * Final norm and LM head on any rows of hidden states: {@code [..., D]} → logits {@code [..., V]}
   * on {@code step} (the norm is per position, so selecting rows first gives the same rows).
   */
  public NDArray logits(NDManager step, NDArray hidden) {
    return head(hidden, context(step));
  }

  /** Embedding, rotary tables and every decoder layer: {@code [B, T]} ids → {@code [B, T, D]}. */
  private NDArray layers(
      NDManager step,
      ForwardContext ctx,
      NDArray ids,
      NDArray positions,
      NDArray bias,
      KvCache cache,
      boolean recording) {
    NDArray x =
        ids.getNDArrayInternal()
            .embedding(ids, embed, SparseFormat.DENSE)
            .singletonOrThrow(); // [B, T, D]
    Rope.Tables tables = rope.tables(step, positions); // [B, 1, T, d]
    // Each layer runs in its own scope and only its output is kept. Without autograd nothing needs
    // a layer's intermediates after the layer. With autograd, libtorch's graph holds its own
    // reference to every tensor backward needs, so closing the Java handles frees exactly the
    // rest (e.g. the raw and masked attention scores [B, KV, G, T, S], of which backward keeps
    // only the softmax output): they would otherwise live until the step's manager closes.
    // Arrays a layer creates from Java memory (dropout masks) are copied into libtorch-owned
    // memory for this reason (a closed handle lets the GC free a Java buffer).
    boolean scoped = !recording || !keepLayerIntermediates;
    for (DecoderLayer layer : layers) {
      if (!scoped) {
        x = layer.forward(ctx, x, tables, bias, cache); // [B, T, D]
        continue;
      }
      NDArray in = x;
      try (NDManager scope = step.newSubManager()) {
        if (recording) {
          lendParameters(scope); // parameter-first ops land in the scope too
        }
        scope.tempAttachAll(in); // ops on the input land in the scope
        x = layer.forward(ctx, in, tables, bias, cache); // [B, T, D]
        x.attach(step);
      }
      in.close();
    }
    return x;
  }

  /**
   * Test hook (memory measurements): keep every intermediate of a recorded forward until the step
   * closes, as the engine did before layers were scoped in training too.
   */
  static volatile boolean keepLayerIntermediates;

  /**
   * Full-sequence forward without cache.
   *
   * @param ids {@code [B][T]} token ids (rows equally long; pad with any id)
   * @param valid {@code [B][T]} true for real tokens (left or right padding), or null for none
   * @return logits {@code [B, T, V]} on {@code step}
   */
  public NDArray forward(NDManager step, long[][] ids, boolean[][] valid) {
    int b = ids.length;
    int t = ids[0].length;
    if (valid == null) {
      valid = new boolean[b][t];
      for (boolean[] row : valid) {
        java.util.Arrays.fill(row, true);
      }
    }
    NDArray idArray = Masks.longs(step, ids);
    NDArray pos = Masks.longs(step, Masks.positions(valid));
    NDArray bias = Masks.bias(step, valid, t, t, config.slidingWindow());
    return forward(step, idArray, pos, bias, null, false);
  }

  /** The token embedding {@code [V, D]} (also the LM head's weight when tied). */
  NDArray embedding() {
    return embed;
  }

  /** Embedding lookup: ids {@code [B, T]} int64 → {@code [B, T, D]} on the ids' manager. */
  NDArray embed(NDArray ids) {
    return ids.getNDArrayInternal().embedding(ids, embed, SparseFormat.DENSE).singletonOrThrow();
  }

  /** Rotary tables for position ids {@code [B, T]}: {@code [B, 1, T, d]} each. */
  Rope.Tables ropeTables(NDManager step, NDArray positions) {
    return rope.tables(step, positions);
  }

  /** Final norm and LM head: hidden {@code [B, T, D]} → logits {@code [B, T, V]}. */
  NDArray head(NDArray x, ForwardContext ctx) {
    return lmHead.forward(finalNorm.forward(x, ctx.eps()));
  }

  /** A forward context (0-d eps and attention scale) on {@code step}. */
  ForwardContext context(NDManager step) {
    return ForwardContext.of(step, config.rmsNormEps(), config.headDim());
  }

  private static boolean gradientRecording() {
    return !"PyTorch".equals(Engine.getInstance().getEngineName()) || JniUtils.isGradMode();
  }

  /**
   * Lends parameters to the step (results of ops whose first operand is a parameter land there).
   */
  void lendParameters(NDManager step) {
    if (parameterList == null) {
      // the layers' arrays are final, so the list never goes stale; building the map per decode
      // step showed up in the batch-1 profile
      parameterList = List.copyOf(parameters().values());
    }
    for (NDArray p : parameterList) {
      if (p.getManager() != step) {
        step.tempAttachAll(p);
      }
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
