package dev.tuneforge.dataset.curation.dedup;

/**
 * How a signature of P values is cut into b bands of r rows for locality-sensitive hashing. Two
 * records become candidates when all r values of at least one band agree, which happens with
 * probability {@code 1 - (1 - s^r)^b} at Jaccard similarity s: an S-curve whose steep part sits
 * near the threshold. b and r are chosen, as datasketch does, to minimise the area of false
 * positives below the threshold plus false negatives above it, weighted equally.
 *
 * @param bands b
 * @param rows r; b * r may be below P, the rest of the signature is then unused
 */
public record LshBands(int bands, int rows) {

  public static LshBands optimal(double threshold, int permutations) {
    double best = Double.MAX_VALUE;
    LshBands choice = new LshBands(1, permutations);
    for (int b = 1; b <= permutations; b++) {
      for (int r = 1; r <= permutations / b; r++) {
        double error =
            integrate(threshold, b, r, 0, threshold, false)
                + integrate(threshold, b, r, threshold, 1, true);
        if (error < best) {
          best = error;
          choice = new LshBands(b, r);
        }
      }
    }
    return choice;
  }

  /** Probability that two records of Jaccard similarity s share at least one band. */
  public double candidateProbability(double s) {
    return 1 - Math.pow(1 - Math.pow(s, rows), bands);
  }

  private static double integrate(
      double threshold, int b, int r, double from, double to, boolean negatives) {
    int steps = 100;
    double h = (to - from) / steps;
    double sum = 0;
    for (int i = 0; i <= steps; i++) {
      double s = from + i * h;
      double p = 1 - Math.pow(1 - Math.pow(s, r), b);
      double f = negatives ? 1 - p : p;
      sum += (i == 0 || i == steps) ? f / 2 : f;
    }
    return sum * h;
  }
}
