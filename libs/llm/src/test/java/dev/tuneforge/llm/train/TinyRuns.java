package dev.tuneforge.llm.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.train.data.BatchPlan;
import dev.tuneforge.llm.train.data.Collator;
import dev.tuneforge.llm.train.data.TokenizedExample;
import dev.tuneforge.llm.train.data.TrainingSequence;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A tiny Llama (hidden 32, 2 layers, vocab 64) and token-level data for loop tests. */
final class TinyRuns {
  static final int VOCAB = 64;

  private TinyRuns() {}

  static ObjectNode config() {
    ObjectNode c = new ObjectMapper().createObjectNode();
    c.put("model_type", "llama");
    c.put("hidden_size", 32);
    c.put("num_hidden_layers", 2);
    c.put("num_attention_heads", 4);
    c.put("num_key_value_heads", 2);
    c.put("intermediate_size", 64);
    c.put("vocab_size", VOCAB);
    c.put("rms_norm_eps", 1e-5);
    c.put("rope_theta", 10000.0);
    c.put("max_position_embeddings", 128);
    c.put("tie_word_embeddings", false);
    c.put("torch_dtype", "float32");
    return c;
  }

  static Path base(Path dir) {
    return ModelInit.write(dir, config(), 11);
  }

  static CausalLM load(Path base) {
    return ModelLoader.load(new LocalModelSource(base));
  }

  /** {@code n} rows of varying length (5..12) where every token after the first is a target. */
  static List<TrainingSequence> rows(int n, long seed) {
    Random r = new Random(seed);
    List<TrainingSequence> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int len = 5 + r.nextInt(8);
      int[] ids = new int[len];
      int[] labels = new int[len];
      for (int j = 0; j < len; j++) {
        ids[j] = 1 + r.nextInt(VOCAB - 1);
        labels[j] = j == 0 ? TokenizedExample.IGNORE : ids[j];
      }
      out.add(TrainingSequence.of(new TokenizedExample(ids, labels, false)));
    }
    return out;
  }

  static BatchPlan plan(List<TrainingSequence> rows, int microBatch, boolean shuffle) {
    return new BatchPlan(rows, microBatch, 5, shuffle, false, new Collator(0, 0));
  }
}
