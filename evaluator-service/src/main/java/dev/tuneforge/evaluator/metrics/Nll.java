package dev.tuneforge.evaluator.metrics;

/**
 * Token-weighted negative log-likelihood: sums over every scored token of every record, so a long
 * record counts by its tokens (as the trainer's validation loss does), not as one item. Loss is the
 * mean NLL in nats; perplexity is {@code exp(loss)}.
 */
public final class Nll {
  private double sum;
  private long tokens;

  /** Adds one record's summed NLL over {@code count} scored tokens. */
  public void add(double nllSum, long count) {
    if (count < 0 || Double.isNaN(nllSum)) {
      throw new IllegalArgumentException("bad NLL " + nllSum + " over " + count + " tokens");
    }
    sum += nllSum;
    tokens += count;
  }

  public long tokens() {
    return tokens;
  }

  /** Mean NLL per token; NaN when nothing was scored. */
  public double loss() {
    return tokens == 0 ? Double.NaN : sum / tokens;
  }

  public double perplexity() {
    return Math.exp(loss());
  }
}
