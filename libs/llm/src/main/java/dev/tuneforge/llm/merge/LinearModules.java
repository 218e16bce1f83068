package dev.tuneforge.llm.merge;

import dev.tuneforge.llm.config.ModelConfig;
import dev.tuneforge.llm.model.Architecture;
import dev.tuneforge.llm.model.TensorNames;
import java.util.ArrayList;
import java.util.List;

/** The HF names of a model's linear layers (the modules LoRA can target), in model order. */
final class LinearModules {
  private LinearModules() {}

  static List<String> of(Architecture arch, ModelConfig c) {
    TensorNames n = arch.names();
    List<String> out = new ArrayList<>();
    for (int i = 0; i < c.numLayers(); i++) {
      for (String m : new String[] {n.q(), n.k(), n.v(), n.o(), n.gate(), n.up(), n.down()}) {
        out.add(n.inLayer(i, m));
      }
    }
    if (!c.tieWordEmbeddings()) {
      out.add(n.lmHead()); // a tied head is the embedding, which a LoRA on linears never touches
    }
    return out;
  }
}
