package dev.tuneforge.llm.peft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneforge.llm.Fixtures;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.score.Scorer;
import org.junit.jupiter.api.Test;

/**
 * Adapters applied over one loaded base ({@link AdapterLoader#onLoadedBase}) compute what PEFT
 * computes, and closing one leaves the shared base (and the other adapters on it) intact.
 */
class SharedBaseAdapterTest {

  @Test
  void adaptersOnOneLoadedBaseMatchPeftAndLeaveTheBaseIntact() {
    String name = PeftFixtures.ADAPTERS[0][0];
    JsonNode expected = PeftFixtures.expected(name);
    int[] ids = Fixtures.ints(expected.get("sequences").get(0).get("ids"));
    try (CausalLM base =
        ModelLoader.load(new LocalModelSource(Fixtures.reference(PeftFixtures.ADAPTERS[0][1])))) {
      float[] before = Scorer.logprobs(base, ids);
      PeftAdapter adapter = PeftAdapter.read(PeftFixtures.adapter(name));
      try (AdapterLoader.Adapted kept = AdapterLoader.onLoadedBase(base, adapter)) {
        // shared, not copied: a change to a base tensor shows in the adapted model's tensor
        String norm = "model.norm.weight";
        NDArray shared = kept.model().parameters().get(norm);
        float was = shared.toFloatArray()[0];
        base.parameters().get(norm).addi(1f);
        assertEquals(was + 1f, shared.toFloatArray()[0], 1e-6);
        base.parameters().get(norm).subi(1f);
        try (AdapterLoader.Adapted first = AdapterLoader.onLoadedBase(base, adapter)) {
          assertMatchesPeft(first.model(), expected);
        }
        // the first adapter is gone; the base and the second adapter still compute the same
        assertArrayEquals(before, Scorer.logprobs(base, ids));
        assertMatchesPeft(kept.model(), expected);
      }
      assertArrayEquals(before, Scorer.logprobs(base, ids));
      JsonNode baseLp = expected.get("sequences").get(0).get("base_logprobs");
      assertEquals(baseLp.size(), before.length);
      for (int i = 0; i < before.length; i++) {
        assertEquals(baseLp.get(i).asDouble(), before[i], 1e-4, "base log-prob " + i);
      }
    }
  }

  static void assertMatchesPeft(CausalLM model, JsonNode expected) {
    double worst = 0;
    for (JsonNode seq : expected.get("sequences")) {
      float[] lp = Scorer.logprobs(model, Fixtures.ints(seq.get("ids")));
      for (int i = 0; i < lp.length; i++) {
        worst = Math.max(worst, Math.abs(lp[i] - seq.get("logprobs").get(i).asDouble()));
      }
    }
    assertTrue(worst < 1e-4, "max |engine - PEFT| = " + worst);
  }
}
