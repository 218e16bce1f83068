package dev.tuneforge.llm.model;

import dev.tuneforge.llm.config.FamilyRules;
import dev.tuneforge.llm.config.ModelConfig;
import dev.tuneforge.llm.config.ModelType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model family: its config rules ({@link FamilyRules}: which optional parts its config.json
 * switches on), its HF tensor-name table and the tensors (with shapes) a checkpoint must hold for a
 * given config. The block structure (pre-norm, GQA, SwiGLU, RoPE) is shared by every family here;
 * the families differ in names and in the optional tensors the config switches on. Each family is a
 * package under {@code model}, registered in {@link ModelType}.
 */
public interface Architecture extends FamilyRules {

  ModelType type();

  TensorNames names();

  /** Every tensor the checkpoint must contain, HF name → shape, in HF order. */
  default Map<String, long[]> expectedTensors(ModelConfig c) {
    TensorNames n = names();
    Map<String, long[]> t = new LinkedHashMap<>();
    long dim = c.hiddenSize();
    t.put(n.embed() + ".weight", new long[] {c.vocabSize(), dim});
    for (int i = 0; i < c.numLayers(); i++) {
      t.put(n.inLayer(i, n.q()) + ".weight", new long[] {c.qDim(), dim});
      t.put(n.inLayer(i, n.k()) + ".weight", new long[] {c.kvDim(), dim});
      t.put(n.inLayer(i, n.v()) + ".weight", new long[] {c.kvDim(), dim});
      if (c.qkvBias()) {
        t.put(n.inLayer(i, n.q()) + ".bias", new long[] {c.qDim()});
        t.put(n.inLayer(i, n.k()) + ".bias", new long[] {c.kvDim()});
        t.put(n.inLayer(i, n.v()) + ".bias", new long[] {c.kvDim()});
      }
      t.put(n.inLayer(i, n.o()) + ".weight", new long[] {dim, c.qDim()});
      if (c.outputBias()) {
        t.put(n.inLayer(i, n.o()) + ".bias", new long[] {dim});
      }
      if (c.qkNorm()) {
        t.put(n.inLayer(i, n.qNorm()) + ".weight", new long[] {c.headDim()});
        t.put(n.inLayer(i, n.kNorm()) + ".weight", new long[] {c.headDim()});
      }
      t.put(n.inLayer(i, n.inputNorm()) + ".weight", new long[] {dim});
      t.put(n.inLayer(i, n.postAttentionNorm()) + ".weight", new long[] {dim});
      long inter = c.intermediateSize();
      t.put(n.inLayer(i, n.gate()) + ".weight", new long[] {inter, dim});
      t.put(n.inLayer(i, n.up()) + ".weight", new long[] {inter, dim});
      t.put(n.inLayer(i, n.down()) + ".weight", new long[] {dim, inter});
      if (c.mlpBias()) {
        t.put(n.inLayer(i, n.gate()) + ".bias", new long[] {inter});
        t.put(n.inLayer(i, n.up()) + ".bias", new long[] {inter});
        t.put(n.inLayer(i, n.down()) + ".bias", new long[] {dim});
      }
    }
    t.put(n.finalNorm() + ".weight", new long[] {dim});
    if (!c.tieWordEmbeddings()) {
      t.put(n.lmHead() + ".weight", new long[] {c.vocabSize(), dim});
    }
    return t;
  }

  /**
   * Tensors a checkpoint may hold that the model does not use: RoPE buffers saved by old exports,
   * and a redundant copy of the head of a tied model.
   */
  default boolean ignorable(String tensorName, ModelConfig c) {
    return tensorName.endsWith(".rotary_emb.inv_freq")
        || (c.tieWordEmbeddings() && tensorName.equals(names().lmHead() + ".weight"));
  }

  /** Checks family-specific config rules; the default accepts everything the parser accepted. */
  default void validate(ModelConfig c) {}
}
