package dev.tuneforge.llm.peft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneforge.llm.Fixtures;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.score.Scorer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A base model plus an adapter written by PEFT 0.21 computes what PEFT computes. */
class PeftAdapterLoadTest {

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2})
  void engineWithPeftAdapterMatchesPeftLogprobs(int which) {
    String name = PeftFixtures.ADAPTERS[which][0];
    String base = PeftFixtures.ADAPTERS[which][1];
    JsonNode expected = PeftFixtures.expected(name);
    try (AdapterLoader.Adapted m =
        AdapterLoader.load(
            new LocalModelSource(Fixtures.reference(base)), PeftFixtures.adapter(name))) {
      double worst = 0;
      double adapterEffect = 0;
      for (JsonNode seq : expected.get("sequences")) {
        float[] lp = Scorer.logprobs(m.model(), Fixtures.ints(seq.get("ids")));
        assertEquals(seq.get("logprobs").size(), lp.length);
        for (int i = 0; i < lp.length; i++) {
          worst = Math.max(worst, Math.abs(lp[i] - seq.get("logprobs").get(i).asDouble()));
          adapterEffect =
              Math.max(
                  adapterEffect,
                  Math.abs(
                      seq.get("logprobs").get(i).asDouble()
                          - seq.get("base_logprobs").get(i).asDouble()));
        }
      }
      System.out.printf(
          "%s: max |engine - PEFT| log-prob = %.3g (adapter moves log-probs by up to %.3g)%n",
          name, worst, adapterEffect);
      assertTrue(adapterEffect > 0.5, "the fixture's adapter must change the model");
      assertTrue(worst < 1e-4, name + ": max |engine - PEFT| = " + worst);
    }
  }
}
