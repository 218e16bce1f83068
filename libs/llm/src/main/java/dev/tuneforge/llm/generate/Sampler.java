package dev.tuneforge.llm.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from one row of logits, in Java (double precision) so a seed reproduces the
 * same draw on every machine: temperature, then top-k, then top-p (nucleus), then one uniform draw
 * against the cumulative renormalised probabilities. Temperature 0 is argmax.
 */
public final class Sampler {
  private Sampler() {}

  public static int argmax(float[] logits, int offset, int vocab) {
    int best = 0;
    for (int i = 1; i < vocab; i++) {
      if (logits[offset + i] > logits[offset + best]) {
        best = i;
      }
    }
    return best;
  }

  /** Samples from {@code logits[offset .. offset+vocab)}. */
  public static int sample(
      float[] logits, int offset, int vocab, GenerationConfig c, SplittableRandom rng) {
    if (c.temperature() == 0) {
      return argmax(logits, offset, vocab);
    }
    double[] probs = probabilities(logits, offset, vocab, c.temperature(), c.topK(), c.topP());
    double u = rng.nextDouble();
    double cum = 0;
    int last = -1;
    for (int i = 0; i < vocab; i++) {
      if (probs[i] > 0) {
        cum += probs[i];
        last = i;
        if (u < cum) {
          return i;
        }
      }
    }
    return last; // rounding left u just above the total
  }

  /** The final sampling distribution (sums to 1; filtered tokens are exactly 0). */
  public static double[] probabilities(
      float[] logits, int offset, int vocab, double temperature, int topK, double topP) {
    double[] p = new double[vocab];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < vocab; i++) {
      p[i] = logits[offset + i] / temperature;
      max = Math.max(max, p[i]);
    }
    double sum = 0;
    for (int i = 0; i < vocab; i++) {
      p[i] = Math.exp(p[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < vocab; i++) {
      p[i] /= sum;
    }
    Integer[] order = new Integer[vocab];
    for (int i = 0; i < vocab; i++) {
      order[i] = i;
    }
    // Descending probability, ties by id, so the kept set is deterministic.
    Arrays.sort(order, (a, b) -> p[a] != p[b] ? Double.compare(p[b], p[a]) : Integer.compare(a, b));
    int keep = topK > 0 ? Math.min(topK, vocab) : vocab;
    if (topP < 1) {
      double cum = 0;
      int n = 0;
      while (n < keep) {
        cum += p[order[n]];
        n++;
        if (cum >= topP) {
          break;
        }
      }
      keep = n;
    }
    double kept = 0;
    for (int r = 0; r < keep; r++) {
      kept += p[order[r]];
    }
    double[] out = new double[vocab];
    for (int r = 0; r < keep; r++) {
      out[order[r]] = p[order[r]] / kept;
    }
    return out;
  }
}
