package dev.tuneforge.evaluator.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LossAndMetricsTest {

  @Test
  void lossIsWeightedByTokensNotByRecords() {
    Nll nll = new Nll();
    nll.add(2.0, 1); // one token, NLL 2
    nll.add(3.0, 3); // three tokens, NLL 1 each
    // token-weighted: 5 / 4 = 1.25 (a mean of record means would say 1.5)
    assertEquals(1.25, nll.loss(), 1e-15);
    assertEquals(Math.exp(1.25), nll.perplexity(), 1e-15);
    assertEquals(4, nll.tokens());
    assertTrue(Double.isNaN(new Nll().loss()), "nothing scored has no loss");
    assertThrows(IllegalArgumentException.class, () -> nll.add(1.0, -1));
  }

  @Test
  void metricsKeepReportOrderAndDeltasAreTunedMinusBase() {
    Metrics tuned =
        new Metrics(
            Map.of(
                Metrics.VALIDATION_LOSS,
                1.0,
                Metrics.EXACT_MATCH,
                0.75,
                Metrics.SUITE_PASS_RATE,
                1.0));
    Metrics base = new Metrics(Map.of(Metrics.EXACT_MATCH, 0.25, Metrics.VALIDATION_LOSS, 1.5));
    assertEquals(
        List.of(Metrics.EXACT_MATCH, Metrics.VALIDATION_LOSS, Metrics.SUITE_PASS_RATE),
        List.copyOf(tuned.values().keySet()));
    Metrics d = tuned.minus(base);
    assertEquals(
        Map.of(Metrics.EXACT_MATCH, 0.5, Metrics.VALIDATION_LOSS, -0.5),
        d.values(),
        "keys only one side has are left out");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new Metrics(Map.of("accuracy", 1.0)));
    assertTrue(e.getMessage().contains("accuracy"));
  }
}
